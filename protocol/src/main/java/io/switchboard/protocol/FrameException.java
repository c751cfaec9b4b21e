package io.switchboard.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** A client frame or command that cannot be served, with the error code to answer it with. */
public final class FrameException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient ErrorCode code;
    private final transient JsonNode id;

    public FrameException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public FrameException(ErrorCode code, String message, JsonNode id) {
        super(message, null, false, false);
        this.code = code;
        this.id = id;
    }

    public ErrorCode code() {
        return code;
    }

    /** The command's {@code id}, when the frame carried a valid one; {@code null} otherwise. */
    public JsonNode id() {
        return id;
    }

    /** The same error, now tied to the command id it answers. */
    public FrameException withId(JsonNode commandId) {
        return new FrameException(code, getMessage(), commandId);
    }
}
