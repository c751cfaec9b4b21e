package io.switchboard.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of {@code masters} {@code redis-server} processes on free loopback ports,
 * no replicas, the 16384 slots split evenly among them in port order. Built with the cluster
 * commands themselves ({@code CLUSTER ADDSLOTSRANGE}, {@code CLUSTER MEET}); ready when every
 * node reports {@code cluster_state:ok} and knows every other node.
 */
public final class RedisCluster implements AutoCloseable {
    /** Slots of a Redis Cluster. */
    public static final int SLOTS = 16384;

    private final List<RedisServer> masters;

    private RedisCluster(List<RedisServer> masters) {
        this.masters = masters;
    }

    /** Starts {@code count} masters, gives each its share of the slots, and joins them. */
    public static RedisCluster start(int count) {
        List<RedisServer> masters = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                masters.add(RedisServer.start(List.of("--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000")));
            }
            for (int i = 0; i < count; i++) {
                int first = SLOTS * i / count;
                int last = SLOTS * (i + 1) / count - 1;
                masters.get(i).command("CLUSTER", "ADDSLOTSRANGE", Integer.toString(first), Integer.toString(last));
            }
            for (int i = 1; i < count; i++) {
                masters.get(0).command("CLUSTER", "MEET", "127.0.0.1", Integer.toString(masters.get(i).port()));
            }
            RedisCluster cluster = new RedisCluster(List.copyOf(masters));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(cluster::formed);
            return cluster;
        } catch (RuntimeException | Error e) {
            masters.forEach(RedisServer::stop);
            throw e;
        }
    }

    /** The masters, in the order of the slots they hold. */
    public List<RedisServer> masters() {
        return masters;
    }

    /** The masters' URIs joined with commas, as {@code --redis} takes the seeds of a cluster. */
    public String uris() {
        return masters.stream().map(RedisServer::uri).collect(Collectors.joining(","));
    }

    /** The keys matching {@code pattern} that each master holds, in the order of {@link #masters()}. */
    @SuppressWarnings("unchecked")
    public List<List<String>> keys(String pattern) {
        return masters.stream().map(m -> (List<String>) m.command("KEYS", pattern)).toList();
    }

    /** The shard channels with subscribers on each master ({@code PUBSUB SHARDCHANNELS pattern}). */
    @SuppressWarnings("unchecked")
    public List<List<String>> shardChannels(String pattern) {
        return masters.stream().map(m -> (List<String>) m.command("PUBSUB", "SHARDCHANNELS", pattern)).toList();
    }

    /** The plain channels with subscribers on any master ({@code PUBSUB CHANNELS pattern}). */
    public List<String> channels(String pattern) {
        return masters.stream().flatMap(m -> m.channels(pattern).stream()).toList();
    }

    /** Every node says the cluster is ok and knows all the others. */
    private boolean formed() {
        for (RedisServer master : masters) {
            String info = (String) master.command("CLUSTER", "INFO");
            if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + masters.size())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        masters.forEach(RedisServer::stop);
    }
}
