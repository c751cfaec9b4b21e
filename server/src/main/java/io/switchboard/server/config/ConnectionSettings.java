package io.switchboard.server.config;

import java.time.Duration;

/**
 * The bounds and timers of one client connection, whatever carries it.
 *
 * @param maxFrameBytes the largest message a client may send
 * @param maxJsonDepth the deepest nesting of a command
 * @param maxRoomsPerConnection rooms one connection may be in
 * @param outboundQueueBytes bytes waiting for a client before it is closed as a slow consumer
 * @param maxPendingCommands commands waiting before the server stops reading the connection
 * @param pingInterval how often the server pings a WebSocket (and gRPC keepalive)
 * @param idleTimeout how long a silent connection lives
 * @param closeTimeout how long to wait for the client's close frame
 * @param connectTimeout how long a WebSocket without a token has to send {@code connect}
 * @param compression whether permessage-deflate is offered
 */
public record ConnectionSettings(int maxFrameBytes, int maxJsonDepth, int maxRoomsPerConnection,
                                 int outboundQueueBytes, int maxPendingCommands, Duration pingInterval,
                                 Duration idleTimeout, Duration closeTimeout, Duration connectTimeout,
                                 boolean compression) {
}
