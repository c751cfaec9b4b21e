package io.switchboard.server.config;

import java.time.Duration;

/**
 * The gRPC listener.
 *
 * @param port its port ({@code 0} picks a free one, {@code -1} serves no gRPC)
 * @param maxConnectionAge the age at which a connection is asked to reconnect
 * @param maxConnectionAgeGrace how long its calls may go on after that
 */
public record GrpcSettings(int port, Duration maxConnectionAge, Duration maxConnectionAgeGrace) {
    /** Whether the node serves gRPC. */
    public boolean enabled() {
        return port >= 0;
    }
}
