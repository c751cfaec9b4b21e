package io.switchboard.server.config;

import java.time.Duration;

/**
 * Where a node listens and how it speaks HTTP.
 *
 * @param host the address to listen on
 * @param port the HTTP port ({@code 0} picks a free one)
 * @param nodeId this node's name in frames, logs and metrics
 * @param ioThreads event loop threads ({@code 0}: one per core)
 * @param transport the I/O transport of the event loops
 * @param handshakeTimeout time for the TLS handshake and each whole HTTP request
 * @param maxHeaderBytes the largest request head
 * @param maxRequestLineBytes the longest request line
 * @param drainTimeout how long a drain waits for clients to leave
 */
public record NetworkSettings(String host, int port, String nodeId, int ioThreads, IoTransport transport,
                              Duration handshakeTimeout, int maxHeaderBytes, int maxRequestLineBytes,
                              Duration drainTimeout) {
}
