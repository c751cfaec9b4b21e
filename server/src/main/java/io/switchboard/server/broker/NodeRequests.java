package io.switchboard.server.broker;

import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.server.ids.NodeIds;
import io.switchboard.server.redis.RedisConnector;
import io.switchboard.server.redis.RedisKeys;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests from one node to another over Redis pub/sub: each node listens on its own channel
 * ({@code sb:node:ID}); a request carries an id and the asking node, and the answer goes back
 * on the asker's channel. Used to serve an HTTP request for a session that lives on another node.
 */
final class NodeRequests {
    private static final Logger log = LoggerFactory.getLogger(NodeRequests.class);
    private static final String REQUEST = "req";
    private static final String ANSWER = "ans";
    private static final String FAILURE = "err";

    private final RedisConnector redis;
    private final String self;
    private final Duration timeout;
    private final Map<String, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private volatile Function<byte[], CompletionStage<byte[]>> answerer =
            request -> CompletableFuture.failedFuture(new IllegalStateException("this node answers no requests yet"));

    NodeRequests(RedisConnector redis, String self, Duration timeout) {
        this.redis = redis;
        this.self = self;
        this.timeout = timeout;
    }

    String channel() {
        return RedisKeys.text(redis.keys().nodeChannel(self));
    }

    void answerWith(Function<byte[], CompletionStage<byte[]>> answerer) {
        this.answerer = answerer;
    }

    CompletionStage<byte[]> send(String node, byte[] request) {
        String id = NodeIds.token(16);
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        pending.put(id, answer);
        answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> pending.remove(id));
        redis.publish(redis.keys().nodeChannel(node), message(REQUEST, id, self, request))
                .whenComplete((receivers, failure) -> {
                    if (failure != null) {
                        answer.completeExceptionally(RedisConnector.unavailable(failure));
                    } else if (receivers == 0) {
                        answer.completeExceptionally(new FrameException(ErrorCode.NOT_FOUND, "node " + node + " is not running"));
                    }
                });
        return answer;
    }

    /** A message on this node's channel: a request to answer, or an answer to one of ours. */
    void onMessage(byte[] message) {
        String[] parts = RedisKeys.text(message).split(RedisKeys.SEPARATOR, 4);
        if (parts.length != 4) {
            log.warn("malformed node message dropped");
            return;
        }
        String kind = parts[0];
        String id = parts[1];
        byte[] payload = RedisKeys.bytes(parts[3]);
        if (REQUEST.equals(kind)) {
            String asker = parts[2];
            answerer.apply(payload).whenComplete((answer, failure) -> {
                byte[] reply = failure == null ? message(ANSWER, id, self, answer)
                        : message(FAILURE, id, self, RedisKeys.bytes(String.valueOf(failure.getMessage())));
                redis.publish(redis.keys().nodeChannel(asker), reply).whenComplete((n, e) -> {
                    if (e != null) {
                        log.warn("answer to node {} lost: {}", asker, e.toString());
                    }
                });
            });
        } else {
            CompletableFuture<byte[]> answer = pending.remove(id);
            if (answer == null) {
                return;
            }
            if (ANSWER.equals(kind)) {
                answer.complete(payload);
            } else {
                answer.completeExceptionally(new FrameException(ErrorCode.INTERNAL, "node " + parts[2] + ": " + parts[3]));
            }
        }
    }

    private static byte[] message(String kind, String id, String node, byte[] payload) {
        return RedisKeys.bytes(RedisKeys.join(kind, id, node, RedisKeys.text(payload)));
    }
}
