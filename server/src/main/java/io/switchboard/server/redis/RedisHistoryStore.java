package io.switchboard.server.redis;

import io.lettuce.core.ScriptOutputType;
import io.switchboard.protocol.FrameTemplate;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.history.HistoryPage;
import io.switchboard.server.history.HistoryStore;
import io.switchboard.server.history.Publication;
import io.switchboard.server.history.StreamKey;
import io.switchboard.server.ids.NodeIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * History in Redis Streams, written by the broker's publish script (entry ids are the
 * offsets); read here with the stream's position in one script, so a page and its position
 * always agree.
 */
public final class RedisHistoryStore implements HistoryStore {
    private static final LuaScript READ = LuaScript.load("read_history");

    private final RedisShards shards;
    private final RedisKeys keys;
    private final byte[] metaTtlMillis;

    public RedisHistoryStore(RedisConnector redis, Duration metaTtl) {
        this(RedisShards.of(redis), metaTtl);
    }

    /** History of streams spread over {@code shards}, each read where it lives. */
    public RedisHistoryStore(RedisShards shards, Duration metaTtl) {
        this.shards = shards;
        this.keys = shards.home().keys();
        this.metaTtlMillis = RedisKeys.bytes(Long.toString(metaTtl.toMillis()));
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletionStage<HistoryPage> read(StreamKey stream, long after, int limit, boolean newestFirst) {
        CompletionStage<List<Object>> reply = READ.run(shards.of(stream).commands(), ScriptOutputType.MULTI,
                new byte[][] {keys.sequence(stream), keys.epoch(stream), keys.history(stream)},
                RedisKeys.bytes(Long.toString(after)), RedisKeys.bytes(Integer.toString(Math.max(0, limit))),
                RedisKeys.bytes(NodeIds.token(8)), metaTtlMillis, RedisKeys.bytes(newestFirst ? "1" : "0"));
        return reply.handle((values, failure) -> {
            if (failure != null) {
                throw new CompletionException(RedisConnector.unavailable(failure));
            }
            List<Publication> publications = new ArrayList<>();
            for (Object entry : (List<Object>) values.get(2)) {
                byte[] frame = (byte[]) entry;
                publications.add(new Publication(FrameTemplate.offsetOf(frame), frame));
            }
            StreamPosition position = new StreamPosition((Long) values.get(0), RedisKeys.text((byte[]) values.get(1)));
            return new HistoryPage(publications, position);
        });
    }
}
