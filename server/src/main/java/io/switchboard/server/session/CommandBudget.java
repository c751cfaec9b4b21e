package io.switchboard.server.session;

/**
 * A connection's allowance of commands: {@code burst} at once, refilled at {@code perSecond}.
 * Confined to the session's loop. Commands over the allowance are refused; a client that keeps
 * sending after {@code burst} refusals in a row is flooding.
 */
public final class CommandBudget {
    private final double perSecond;
    private final int burst;
    private double tokens;
    private long stamp;
    private int refusedInARow;

    public CommandBudget(double perSecond, int burst, long now) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.stamp = now;
    }

    /** Takes one command's worth at {@code now} (nanoseconds); {@code false} when there is none left. */
    boolean take(long now) {
        tokens = Math.min(burst, tokens + (now - stamp) / 1e9 * perSecond);
        stamp = now;
        if (tokens >= 1) {
            tokens -= 1;
            refusedInARow = 0;
            return true;
        }
        refusedInARow++;
        return false;
    }

    /** Whether the client went on sending through as many refusals as its burst. */
    boolean flooding() {
        return refusedInARow >= burst;
    }
}
