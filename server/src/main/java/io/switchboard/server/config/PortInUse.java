package io.switchboard.server.config;

import java.net.BindException;

/**
 * A port this node is set to listen on is taken: start-up stops with one line naming the
 * address and the setting that chose it, and no stack trace.
 */
public final class PortInUse extends IllegalStateException {
    public PortInUse(String host, int port, String flag, String key, Throwable cause) {
        super(host + ":" + port + " is already in use (by another process, or another node here); choose another with "
                + flag + " (" + key + " in a config file)", cause);
    }

    /** Whether {@code failure} (or one of its causes) is a port that could not be bound because it is taken. */
    public static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // The JDK's BindException, or the native transport's error with the same text.
            if (t instanceof BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }
}
