package io.switchboard.server.session;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The answer to a command: an {@code ack} with result fields, or a {@code pong}. */
public final class Reply {
    private static final Reply PONG = new Reply(null, true);

    private final ObjectNode fields;
    private final boolean pong;

    private Reply(ObjectNode fields, boolean pong) {
        this.fields = fields;
        this.pong = pong;
    }

    /** An {@code ack} carrying {@code fields} besides {@code type} and {@code id}. */
    public static Reply ack(ObjectNode fields) {
        return new Reply(fields, false);
    }

    public static Reply pong() {
        return PONG;
    }

    public boolean isPong() {
        return pong;
    }

    public ObjectNode fields() {
        return fields;
    }
}
