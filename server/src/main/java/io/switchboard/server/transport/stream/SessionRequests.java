package io.switchboard.server.transport.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Json;
import io.switchboard.server.node.Node;
import io.switchboard.server.session.Replies;
import io.switchboard.server.session.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The requests that drive an SSE or long-polling session ({@code POST} commands, {@code DELETE}),
 * served where the session lives: here, or on the node named in its id, through the broker.
 */
final class SessionRequests {
    private final StreamSessions sessions;
    private final Node node;

    SessionRequests(StreamSessions sessions, Node node) {
        this.sessions = sessions;
        this.node = node;
        node.answerNodeRequests(this::answerRemote);
    }

    /**
     * Serves a request for session {@code token}, here or on its node: commands when
     * {@code post}, else its end; checked against {@code userId} unless that is {@code null}.
     */
    CompletionStage<SessionAnswer> send(String token, String userId, boolean post, List<byte[]> commands) {
        String owner = StreamSessions.owner(token);
        if (sessions.get(token) != null || owner == null || owner.equals(sessions.nodeId())) {
            return serve(token, userId, post, commands);
        }
        return node.requestNode(owner, remoteRequest(token, userId, post, commands)).thenApply(SessionAnswer::parse);
    }

    /**
     * Serves a session request here: the session must be one of this node's, and of
     * {@code userId} when that is not {@code null} (a caller with a token).
     */
    private CompletionStage<SessionAnswer> serve(String token, String userId, boolean post, List<byte[]> commands) {
        BufferedConnection connection = sessions.get(token);
        if (connection == null) {
            return CompletableFuture.completedFuture(new SessionAnswer(404, new byte[0]));
        }
        if (userId != null && !connection.ownedBy(userId)) {
            return CompletableFuture.completedFuture(new SessionAnswer(403, new byte[0]));
        }
        Session session = connection.session();
        if (!post) {
            connection.eventLoop().execute(() -> session.close(CloseCodes.NORMAL, "session ended", false));
            return CompletableFuture.completedFuture(new SessionAnswer(204, new byte[0]));
        }
        CompletableFuture<SessionAnswer> answer = new CompletableFuture<>();
        Collector collector = new Collector(commands.size(), body -> answer.complete(new SessionAnswer(200, body)));
        connection.eventLoop().execute(() -> commands.forEach(command -> session.receive(command, collector)));
        return answer;
    }

    /** Answers another node's request for one of this node's sessions. */
    private CompletionStage<byte[]> answerRemote(byte[] request) {
        JsonNode asked;
        try {
            asked = Json.mapper().readTree(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("malformed session request", e));
        }
        List<byte[]> commands = new ArrayList<>();
        asked.path("commands").forEach(c -> commands.add(c.toString().getBytes(StandardCharsets.UTF_8)));
        JsonNode user = asked.path("user");
        return serve(asked.path("session").asText(), user.isTextual() ? user.asText() : null,
                asked.path("post").asBoolean(), commands)
                .thenApply(SessionAnswer::toBytes);
    }

    private static byte[] remoteRequest(String token, String userId, boolean post, List<byte[]> commands) {
        var request = Json.mapper().createObjectNode().put("session", token).put("post", post);
        if (userId != null) {
            request.put("user", userId);
        }
        var array = request.putArray("commands");
        for (byte[] command : commands) {
            try {
                array.add(Json.mapper().readTree(command));
            } catch (IOException e) {
                throw new IllegalStateException("commands were parsed once already", e);
            }
        }
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The HTTP status and body of a session request, as it crosses between nodes. */
    record SessionAnswer(int status, byte[] body) {
        byte[] toBytes() {
            var node = Json.mapper().createObjectNode().put("status", status);
            node.put("body", new String(body, StandardCharsets.UTF_8));
            return node.toString().getBytes(StandardCharsets.UTF_8);
        }

        static SessionAnswer parse(byte[] bytes) {
            try {
                JsonNode node = Json.mapper().readTree(bytes);
                return new SessionAnswer(node.path("status").asInt(), node.path("body").asText().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("malformed answer from another node", e);
            }
        }
    }

    /** Gathers the replies to the commands of one POST, in order, and answers once all are done. */
    private static final class Collector implements Replies {
        private final List<byte[]> replies = new ArrayList<>();
        private final Consumer<byte[]> answer;
        private int remaining;

        Collector(int commands, Consumer<byte[]> answer) {
            this.remaining = commands;
            this.answer = answer;
        }

        @Override
        public void reply(byte[] frame) {
            replies.add(frame);
        }

        @Override
        public void done() {
            if (--remaining > 0) {
                return;
            }
            ByteBuf body = Unpooled.buffer();
            body.writeCharSequence("{\"replies\":[", StandardCharsets.US_ASCII);
            for (int i = 0; i < replies.size(); i++) {
                if (i > 0) {
                    body.writeByte(',');
                }
                body.writeBytes(replies.get(i));
            }
            body.writeCharSequence("]}", StandardCharsets.US_ASCII);
            byte[] bytes = new byte[body.readableBytes()];
            body.readBytes(bytes);
            answer.accept(bytes);
        }
    }

}
