package io.switchboard.server.config;

import java.util.Locale;

/** The I/O transports a node's event loops can run on ({@code transport} setting). */
public enum IoTransport {
    /** Native epoll where the platform has it, else NIO. */
    AUTO,
    EPOLL,
    NIO;

    /** Parses {@code auto}, {@code epoll} or {@code nio}. */
    public static IoTransport parse(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
