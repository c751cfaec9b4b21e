package io.switchboard.server.config;

import java.time.Duration;

/**
 * How nodes form a cluster through Redis.
 *
 * @param redisUri one Redis URI or several separated by commas, or {@code null} to run alone
 * @param redisPrefix the prefix of every key and channel
 * @param redisCluster whether the URIs are nodes of one Redis Cluster
 * @param redisCommandTimeout how long a Redis command may take
 * @param heartbeatInterval how often a node renews its heartbeat
 * @param nodeTimeout how long a silent node lives
 * @param positionCheckInterval how often the streams followed are compared with Redis ({@code 0}: never)
 * @param unsubscribeGrace how long a channel with no local member stays subscribed
 */
public record ClusterSettings(String redisUri, String redisPrefix, boolean redisCluster,
                              Duration redisCommandTimeout, Duration heartbeatInterval, Duration nodeTimeout,
                              Duration positionCheckInterval, Duration unsubscribeGrace) {
    /** Whether the node forms a cluster (through Redis) rather than running alone in memory. */
    public boolean enabled() {
        return redisUri != null;
    }
}
