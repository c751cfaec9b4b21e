package io.switchboard.client;

/** An {@code error} frame from the server, or a failure of the connection itself. */
public class SwitchboardException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    public SwitchboardException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public SwitchboardException(String code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    /** The protocol error code ({@code bad_request}, {@code forbidden}, ...) or {@code closed}. */
    public String code() {
        return code;
    }
}
