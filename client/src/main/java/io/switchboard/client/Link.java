package io.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One connection attempt's transport, as the client uses it: a WebSocket ({@link WebSocketLink})
 * or a gRPC {@code Connect} call ({@link GrpcLink}). What arrives on it goes to the client's
 * {@code onText}, and its end to {@code onConnectionLost}, tagged with the attempt's generation.
 */
interface Link {
    /** Whether the link is up and what is sent on it reaches the server. */
    boolean isActive();

    /**
     * Sends a command.
     *
     * @throws IllegalArgumentException if the transport has no form for it
     */
    void send(JsonNode command);

    /**
     * Sends {@code text} as one frame.
     *
     * @throws IllegalArgumentException if the transport cannot carry it as a command
     */
    void sendText(String text);

    /** Stops taking frames from the server, so that its writes back up. */
    void pauseReading();

    /** Takes frames again after {@link #pauseReading()}. */
    void resumeReading();

    /** Asks the server to end the session normally; the link ends when it has. */
    void closeGracefully();

    /** Drops the link now, without telling the server, as a network failure would. */
    void abort();

    /** {@link #abort()}, then waits until the link is down; not for event loop threads. */
    void abortAndWait();
}
