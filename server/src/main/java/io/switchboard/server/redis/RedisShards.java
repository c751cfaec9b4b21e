package io.switchboard.server.redis;

import io.switchboard.server.history.StreamKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The Redis instances a cluster spreads its streams over. Each room (its offsets, history and
 * channel, with its join and leave events) and each user's direct messages live on one instance,
 * chosen by rendezvous hashing on the stream's name: every node picks the same one, and adding
 * an instance moves only the streams it wins (about 1 in N). The first instance is the home of
 * what is not per stream: presence, the registry of nodes, and node-to-node messages.
 */
public final class RedisShards implements AutoCloseable {
    private final List<RedisConnector> shards;
    private final long[] seeds;

    /**
     * Shards over {@code connectors}, named by {@code names} (the identity that decides which
     * streams each holds: its host, port and database, so that a shard keeps its streams when the
     * list is reordered or others are added).
     */
    public RedisShards(List<RedisConnector> connectors, List<String> names) {
        if (connectors.isEmpty() || connectors.size() != names.size()) {
            throw new IllegalArgumentException("one name per Redis instance, and at least one");
        }
        this.shards = List.copyOf(connectors);
        this.seeds = seeds(names);
    }

    /** One Redis instance. */
    public static RedisShards of(RedisConnector redis) {
        return new RedisShards(List.of(redis), List.of("single"));
    }

    /** The instance of presence, the node registry and node-to-node messages. */
    public RedisConnector home() {
        return shards.get(0);
    }

    public List<RedisConnector> all() {
        return shards;
    }

    /** The instance holding {@code stream}. */
    public RedisConnector of(StreamKey stream) {
        return shards.get(indexOf(stream));
    }

    /** The index in {@link #all()} of the instance holding {@code stream}. */
    public int indexOf(StreamKey stream) {
        return shards.size() == 1 ? 0 : choose(seeds, stream);
    }

    /** The seeds of instances named {@code names}, for {@link #choose}. */
    static long[] seeds(List<String> names) {
        return names.stream().mapToLong(name -> hash(name.getBytes(StandardCharsets.UTF_8), 0)).toArray();
    }

    /** Rendezvous hashing: the instance whose seed scores {@code stream} highest. */
    static int choose(long[] seeds, StreamKey stream) {
        byte[] key = ((stream.isRoom() ? "room:" : "user:") + stream.name()).getBytes(StandardCharsets.UTF_8);
        int best = 0;
        long bestScore = Long.MIN_VALUE;
        for (int i = 0; i < seeds.length; i++) {
            long score = hash(key, seeds[i]);
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }

    /** Whether every instance is reachable and answering. */
    public boolean isHealthy() {
        return shards.stream().allMatch(RedisConnector::isHealthy);
    }

    @Override
    public void close() {
        shards.forEach(RedisConnector::close);
    }

    @Override
    public String toString() {
        return "RedisShards" + Arrays.toString(seeds);
    }

    /** 64-bit FNV-1a of {@code bytes} from {@code seed}, finished with a mix so that scores spread. */
    static long hash(byte[] bytes, long seed) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
