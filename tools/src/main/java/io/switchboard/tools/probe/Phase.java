package io.switchboard.tools.probe;

/** The consecutive parts of one probed request, in the order they happen. */
enum Phase {
    /** Resolving the host name. */
    DNS("dns"),
    /** The TCP handshake. */
    CONNECT("connect"),
    /** The TLS handshake, for https and wss only. */
    TLS("tls"),
    /** Writing the request. */
    SEND("send"),
    /** Waiting, after the request is written, for the first byte of the response. */
    FIRST_BYTE("first_byte"),
    /** Receiving the rest of the response. */
    TRANSFER("transfer");

    /** The name of the sum of every phase. */
    static final String TOTAL = "total";

    private final String label;

    Phase(String label) {
        this.label = label;
    }

    /** The name the output uses. */
    String label() {
        return label;
    }
}
