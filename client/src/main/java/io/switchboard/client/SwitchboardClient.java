package io.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.StreamPosition;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Switchboard client over one WebSocket connection. Commands return futures completed by the
 * server's {@code ack} (or failed by its {@code error}); pushed frames go to the
 * {@link SwitchboardListener}. Thread-safe.
 *
 * <pre>{@code
 * SwitchboardClient alice = SwitchboardClient.builder(URI.create("ws://localhost:8080/ws/alice"))
 *         .listener(new SwitchboardListener() {
 *             public void onMessage(Events.RoomMessage m) { System.out.println(m.content()); }
 *         })
 *         .build();
 * alice.connect().join();
 * alice.join("lobby").join();
 * alice.publish("lobby", "hello").join();
 * }</pre>
 */
public final class SwitchboardClient implements AutoCloseable {
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final URI uri;
    private final SwitchboardListener listener;
    private final EventLoopGroup group;
    private final InetAddress localAddress;
    private final HttpHeaders headers;
    private final boolean autoPong;
    private final int maxFrameBytes;
    private final Duration connectTimeout;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentMap<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<Events.Connected> connected = new CompletableFuture<>();
    private final CompletableFuture<Events.Closed> closed = new CompletableFuture<>();
    private volatile Channel channel;

    private SwitchboardClient(Builder b) {
        this.uri = b.uri;
        this.listener = b.listener;
        this.group = b.group != null ? b.group : ClientEventLoops.shared();
        this.localAddress = b.localAddress;
        this.headers = b.headers;
        this.autoPong = b.autoPong;
        this.maxFrameBytes = b.maxFrameBytes;
        this.connectTimeout = b.connectTimeout;
    }

    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** Opens the connection; the future completes with the server's {@code connected} frame. */
    public CompletableFuture<Events.Connected> connect() {
        if (channel != null) {
            return connected;
        }
        boolean tls = "wss".equalsIgnoreCase(uri.getScheme());
        if (tls) {
            connected.completeExceptionally(new SwitchboardException("unsupported", "wss:// is not supported yet"));
            return connected;
        }
        ClientChannelHandler handler = new ClientChannelHandler(this, uri, headers, autoPong, maxFrameBytes);
        var future = WebSocketClientHandler.connect(group, uri, localAddress, connectTimeout, handler);
        channel = future.channel();
        future.addListener(f -> {
            if (!f.isSuccess()) {
                onClosed(new Events.Closed(1006, "connect failed: " + f.cause()), f.cause());
            }
        });
        return connected;
    }

    /** Joins {@code room}; completes with the room's current offset and epoch. */
    public CompletableFuture<Events.Joined> join(String room) {
        return join(room, null);
    }

    /** Joins {@code room}, asking to recover what was published after {@code since}. */
    public CompletableFuture<Events.Joined> join(String room, StreamPosition since) {
        ObjectNode command = command("join_room").put("room", room);
        if (since != null) {
            command.putObject("since").put("offset", since.offset()).put("epoch", since.epoch());
        }
        return request(command).thenApply(ack -> new Events.Joined(ack.path("room").asText(),
                ack.path("offset").asLong(), ack.path("epoch").asText(null),
                ack.has("recovered") ? ack.get("recovered").asBoolean() : null));
    }

    public CompletableFuture<Void> leave(String room) {
        return request(command("leave_room").put("room", room)).thenApply(ack -> null);
    }

    /** Publishes {@code content} (anything Jackson can write) to a room; completes with its offset. */
    public CompletableFuture<Long> publish(String room, Object content) {
        ObjectNode command = command("room_message").put("room", room);
        command.set("content", MAPPER.valueToTree(content));
        return request(command).thenApply(ack -> ack.path("offset").asLong());
    }

    /** Sends {@code content} to every connection of user {@code to}. */
    public CompletableFuture<Void> sendDirect(String to, Object content) {
        ObjectNode command = command("direct_message").put("to", to);
        command.set("content", MAPPER.valueToTree(content));
        return request(command).thenApply(ack -> null);
    }

    /** Who is in {@code room}, cluster-wide; for the room {@code presence}, who is online. */
    public CompletableFuture<List<Events.Member>> presence(String room) {
        return request(command("presence").put("room", room)).thenApply(ack -> {
            List<Events.Member> members = new ArrayList<>();
            for (JsonNode member : ack.path("members")) {
                members.add(new Events.Member(member.path("user_id").asText(), member.path("connections").asInt()));
            }
            return members;
        });
    }

    /** Round trip to the server; completes on its {@code pong}. */
    public CompletableFuture<Void> ping() {
        return request(command("ping")).thenApply(pong -> null);
    }

    /**
     * Sends {@code command} with a fresh {@code id}; completes with the {@code ack} (or
     * {@code pong}), or fails with the {@link SwitchboardException} of the {@code error}.
     */
    public CompletableFuture<JsonNode> request(ObjectNode command) {
        long id = ids.incrementAndGet();
        command.put("id", id);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        if (closed.isDone()) {
            failPending(new SwitchboardException("closed", "the connection is closed"));
        } else {
            sendRaw(command.toString());
        }
        return reply;
    }

    /** Sends one text frame exactly as given, valid or not. */
    public void sendRaw(String text) {
        Channel ch = Objects.requireNonNull(channel, "connect() first");
        ch.writeAndFlush(new TextWebSocketFrame(text));
    }

    /** Stops reading from the socket, so the server's writes back up; for flow-control tests and tools. */
    public void pauseReading() {
        channel.config().setAutoRead(false);
    }

    public void resumeReading() {
        channel.config().setAutoRead(true);
        channel.read();
    }

    public CompletableFuture<Events.Connected> connectedFuture() {
        return connected;
    }

    /** Completes when the connection has closed, with the close code the server gave. */
    public CompletableFuture<Events.Closed> closedFuture() {
        return closed;
    }

    public boolean isOpen() {
        Channel ch = channel;
        return ch != null && ch.isActive() && !closed.isDone();
    }

    /** Drops the TCP connection without a WebSocket close, as a crashing client would. */
    public void abort() {
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    /** Closes with 1000 and waits (up to 5 s) for the server to complete the closing handshake. */
    @Override
    public void close() {
        Channel ch = channel;
        if (ch == null || closed.isDone()) {
            return;
        }
        ch.writeAndFlush(new CloseWebSocketFrame(1000, "bye"));
        try {
            closed.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            ch.close().syncUninterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ch.close();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the close future never fails", e);
        }
    }

    // --- called by ClientChannelHandler on the I/O thread ---

    void onText(ByteBuf content) {
        JsonNode frame;
        try {
            frame = MAPPER.readTree(ByteBufUtil.getBytes(content));
        } catch (IOException e) {
            listener.onError(new SwitchboardException("bad_frame", "server sent invalid JSON: " + e.getMessage(), e));
            return;
        }
        listener.onFrame(frame);
        FrameDispatch.dispatch(frame, this, listener);
    }

    void onConnected(Events.Connected info) {
        connected.complete(info);
    }

    void onReply(JsonNode frame) {
        CompletableFuture<JsonNode> reply = pending.remove(frame.path("id").asLong());
        if (reply != null) {
            reply.complete(frame);
        }
    }

    void onErrorFrame(JsonNode frame) {
        SwitchboardException error = new SwitchboardException(frame.path("code").asText(), frame.path("message").asText());
        CompletableFuture<JsonNode> reply = frame.hasNonNull("id") ? pending.remove(frame.get("id").asLong()) : null;
        if (reply != null) {
            reply.completeExceptionally(error);
        } else {
            listener.onError(error);
        }
    }

    void onHandshakeRejected(int status, String body) {
        connected.completeExceptionally(new HandshakeRejectedException(status, body));
    }

    void onClosed(Events.Closed how, Throwable cause) {
        if (!closed.complete(how)) {
            return;
        }
        SwitchboardException error = new SwitchboardException("closed",
                "connection closed (" + how.code() + " " + how.reason() + ")", cause);
        connected.completeExceptionally(error);
        failPending(error);
        listener.onClose(how);
    }

    private void failPending(SwitchboardException error) {
        for (Long id : List.copyOf(pending.keySet())) {
            CompletableFuture<JsonNode> reply = pending.remove(id);
            if (reply != null) {
                reply.completeExceptionally(error);
            }
        }
    }

    private static ObjectNode command(String type) {
        return MAPPER.createObjectNode().put("type", type);
    }

    /** Configures a {@link SwitchboardClient}. */
    public static final class Builder {
        private final URI uri;
        private SwitchboardListener listener = new SwitchboardListener() { };
        private EventLoopGroup group;
        private InetAddress localAddress;
        private final HttpHeaders headers = new DefaultHttpHeaders();
        private boolean autoPong = true;
        private int maxFrameBytes = 16 * 1024 * 1024;
        private Duration connectTimeout = Duration.ofSeconds(10);

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
        }

        public Builder listener(SwitchboardListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Event loops to run on (clients may share them); by default a group shared by all clients. */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = group;
            return this;
        }

        /** Source address to connect from, e.g. one of 127.0.0.0/8 to spread many connections. */
        public Builder localAddress(InetAddress localAddress) {
            this.localAddress = localAddress;
            return this;
        }

        /** An extra handshake header, e.g. {@code Authorization}. */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /** Whether to answer the server's pings (default {@code true}); off only to test idle handling. */
        public Builder autoPong(boolean autoPong) {
            this.autoPong = autoPong;
            return this;
        }

        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        public SwitchboardClient build() {
            return new SwitchboardClient(this);
        }
    }
}
