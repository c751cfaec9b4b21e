package io.switchboard.server.session;

import io.switchboard.protocol.CommandDecoder;

/**
 * What one session may send: frames decoded with {@code decoder} (its JSON depth limit), at
 * most {@code maxPendingCommands} waiting before reading pauses, and commands at
 * {@code commandsPerSecond} sustained ({@code 0}: no limit) with {@code commandBurst} at once.
 */
public record SessionLimits(int maxPendingCommands, CommandDecoder decoder, double commandsPerSecond,
                            int commandBurst) {
    /** Limits with no command rate, for sessions driven by tests and tools. */
    public static SessionLimits unlimited(int maxPendingCommands) {
        return new SessionLimits(maxPendingCommands, new CommandDecoder(), 0, 1);
    }

    /** A fresh budget for one session, full at {@code now}; {@code null} when there is no rate limit. */
    CommandBudget budget(long now) {
        return commandsPerSecond > 0 ? new CommandBudget(commandsPerSecond, commandBurst, now) : null;
    }
}
