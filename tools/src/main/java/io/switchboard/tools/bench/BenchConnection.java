package io.switchboard.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.switchboard.client.WebSocketClientHandler;
import io.switchboard.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lean WebSocket connection for load generation. Room messages take a fast path that reads the
 * send time out of the frame without parsing it; every other frame is parsed as JSON.
 */
final class BenchConnection extends WebSocketClientHandler {
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final byte[] MESSAGE_PREFIX = "{\"type\":\"message\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TIME_FIELD = "\"t\":".getBytes(StandardCharsets.US_ASCII);

    /** What the bench learns from a connection. */
    interface Listener {
        /** A room message arrived; {@code sentNanos} is its send time, or -1 when it carried none. */
        void onMessage(long sentNanos);

        /** The server sent an {@code error} frame, or the connection failed. */
        void onError(String description);

        void onClose();
    }

    private final Listener listener;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile Channel channel;

    private BenchConnection(URI uri, Listener listener) {
        super(uri, new DefaultHttpHeaders(), true, 16 * 1024 * 1024);
        this.listener = listener;
    }

    /** Opens a connection to {@code uri} (from {@code source}, when not null). */
    static BenchConnection open(EventLoopGroup group, URI uri, InetAddress source, Listener listener) {
        BenchConnection connection = new BenchConnection(uri, listener);
        var future = connect(group, uri, source, Duration.ofSeconds(30), connection);
        connection.channel = future.channel();
        future.addListener(f -> {
            if (!f.isSuccess()) {
                connection.connected.completeExceptionally(f.cause());
            }
        });
        return connection;
    }

    /** Completes on the server's {@code connected} frame. */
    CompletableFuture<Void> connected() {
        return connected;
    }

    /** Sends a command with a fresh id; completes with the reply, or fails on an {@code error}. */
    CompletableFuture<JsonNode> request(com.fasterxml.jackson.databind.node.ObjectNode command) {
        long id = ids.incrementAndGet();
        command.put("id", id);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        send(command.toString());
        return reply;
    }

    /** Sends one text frame, flushed. */
    void send(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text), channel.voidPromise());
    }

    Channel channel() {
        return channel;
    }

    void close() {
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "bench done"));
        }
    }

    @Override
    protected void onHandshakeRejected(int status, String body) {
        connected.completeExceptionally(new IOException("handshake answered " + status + ": " + body));
    }

    @Override
    protected void onText(ByteBuf content) {
        if (startsWith(content, MESSAGE_PREFIX)) {
            listener.onMessage(sendTime(content));
            return;
        }
        JsonNode frame;
        try {
            frame = MAPPER.readTree(ByteBufUtil.getBytes(content));
        } catch (IOException e) {
            listener.onError("invalid JSON from server: " + e.getMessage());
            return;
        }
        switch (frame.path("type").asText()) {
            case "connected":
                connected.complete(null);
                break;
            case "message":
                JsonNode t = frame.path("content").path("t");
                listener.onMessage(t.isIntegralNumber() ? t.asLong() : -1);
                break;
            case "ack":
            case "pong":
                complete(frame, null);
                break;
            case "error":
                String description = frame.path("code").asText() + ": " + frame.path("message").asText();
                if (!complete(frame, description)) {
                    listener.onError(description);
                }
                break;
            default:
                break;
        }
    }

    private boolean complete(JsonNode frame, String error) {
        CompletableFuture<JsonNode> reply = frame.hasNonNull("id") ? pending.remove(frame.get("id").asLong()) : null;
        if (reply == null) {
            return false;
        }
        if (error == null) {
            reply.complete(frame);
        } else {
            reply.completeExceptionally(new IOException(error));
        }
        return true;
    }

    @Override
    protected void onClosed(int code, String reason) {
        IOException closed = new IOException("connection closed: " + code + " " + reason);
        connected.completeExceptionally(closed);
        pending.values().forEach(p -> p.completeExceptionally(closed));
        listener.onClose();
    }

    @Override
    protected void onFailure(Throwable cause) {
        listener.onError(cause.toString());
    }

    private static boolean startsWith(ByteBuf buf, byte[] prefix) {
        return buf.readableBytes() >= prefix.length && matchesAt(buf, buf.readerIndex(), prefix);
    }

    private static int indexOf(ByteBuf buf, byte[] needle) {
        for (int i = buf.readerIndex(); i <= buf.writerIndex() - needle.length; i++) {
            if (matchesAt(buf, i, needle)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matchesAt(ByteBuf buf, int index, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (buf.getByte(index + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    /** The integer after the first {@code "t":} in the frame, or -1. */
    static long sendTime(ByteBuf buf) {
        int at = indexOf(buf, TIME_FIELD);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        int digits = 0;
        for (int i = at + TIME_FIELD.length; i < buf.writerIndex(); i++) {
            byte b = buf.getByte(i);
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0');
            digits++;
        }
        return digits == 0 ? -1 : value;
    }
}
