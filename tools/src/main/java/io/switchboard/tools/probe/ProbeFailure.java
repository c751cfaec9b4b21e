package io.switchboard.tools.probe;

/** A probed request that failed, and the phase it failed in; the cause is the original error. */
final class ProbeFailure extends Exception {
    private final Phase phase;

    ProbeFailure(Phase phase, Exception cause) {
        super("failed in the " + phase.label() + " phase: " + describe(cause), cause);
        this.phase = phase;
    }

    Phase phase() {
        return phase;
    }

    /** The error's type and its own message. */
    static String describe(Throwable error) {
        String message = error.getMessage();
        String type = error.getClass().getSimpleName();
        return message == null || message.isEmpty() ? type : type + ": " + message;
    }
}
