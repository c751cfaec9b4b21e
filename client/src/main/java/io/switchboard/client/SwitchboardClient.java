package io.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslContext;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.StreamPosition;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A Switchboard client over WebSocket or gRPC. Commands return futures completed by the server's
 * {@code ack} (or failed by its {@code error}); pushed frames go to the
 * {@link SwitchboardListener}. Thread-safe.
 *
 * <p>The scheme of a server's URI picks the transport, for each connection attempt:
 * {@code ws://host:port/path} is a WebSocket, {@code wss://host:port/path} one over TLS (trusting
 * what the JDK trusts, or {@link Builder#trustCertificates}); {@code grpc://host:port} (plaintext) and
 * {@code grpcs://host:port} (TLS, trusting what the JDK trusts) are a call of the gRPC method
 * {@code switchboard.v1.Switchboard/Connect}, which carries the same session, frame for frame.
 * Over gRPC a token goes as metadata {@code authorization: Bearer <token>}; for a server in
 * insecure mode, the URI's path names the user: {@code grpc://host:9090/alice} sends
 * {@code x-user-id: alice}. A refused call ({@code UNAUTHENTICATED}, {@code PERMISSION_DENIED},
 * {@code RESOURCE_EXHAUSTED} before any frame) fails {@link #connect()} with a
 * {@link HandshakeRejectedException} as a refused WebSocket handshake would (401, 403, 429).
 *
 * <p>Of a cluster, the client picks among the URIs it is given. Applications that use the
 * generated gRPC stubs directly can instead let gRPC balance across what DNS returns, e.g.
 * {@code ManagedChannelBuilder.forTarget("dns:///switchboard.example:9090")
 * .defaultLoadBalancingPolicy("round_robin")}.
 *
 * <p>When the connection is lost, the client reconnects by itself (exponential backoff with
 * full jitter, to a random one of its servers), rejoins its rooms asking for what it missed
 * since the last offset it saw, fetches missed direct messages, and drops any message it has
 * already delivered. The listener hears of each step, and of rooms whose recovery failed.
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

    private final List<URI> servers;
    private final SwitchboardListener listener;
    private final EventLoopGroup group;
    private final InetAddress localAddress;
    private final HttpHeaders headers;
    private final Supplier<String> tokens;
    private final boolean autoPong;
    private final int maxFrameBytes;
    private final Duration connectTimeout;
    private final boolean reconnect;
    private final Duration minDelay;
    private final Duration maxDelay;
    /** Certificates to trust instead of the JDK's (null: the JDK's), for wss:// and grpcs://. */
    private final List<X509Certificate> trust;
    /** TLS for wss:// servers; null when there are none. */
    private final SslContext webSocketTls;

    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentMap<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<Events.Connected> firstConnected = new CompletableFuture<>();
    private final CompletableFuture<Events.Closed> closed = new CompletableFuture<>();
    private final Object lock = new Object();
    private final ClientRecovery recovery;

    // Guarded by lock.
    private long generation;
    private Link link;
    private boolean started;
    private boolean closing;
    private boolean retry = true;
    private int attempts;
    private int serverIndex;

    private SwitchboardClient(Builder b) {
        this.servers = List.copyOf(b.servers);
        this.listener = b.listener;
        this.recovery = new ClientRecovery(lock, this::request, listener);
        this.group = b.group != null ? b.group : ClientEventLoops.shared();
        this.localAddress = b.localAddress;
        this.headers = b.headers;
        this.tokens = b.tokens;
        this.autoPong = b.autoPong;
        this.maxFrameBytes = b.maxFrameBytes;
        this.connectTimeout = b.connectTimeout;
        this.reconnect = b.reconnect;
        this.minDelay = b.minDelay;
        this.maxDelay = b.maxDelay;
        this.trust = ClientTls.trust(b.trustedCertificates);
        this.webSocketTls = servers.stream().anyMatch(u -> "wss".equalsIgnoreCase(u.getScheme()))
                ? ClientTls.forWebSocket(trust) : null;
    }

    /**
     * A client of the server at {@code uri}, e.g. {@code ws://host:8080/ws/alice},
     * {@code grpc://host:9090/alice} or {@code grpcs://host:9443}.
     */
    public static Builder builder(URI uri) {
        return new Builder(List.of(uri));
    }

    /**
     * A client of several servers (nodes of one cluster); it reconnects to a random one of them.
     * Schemes may be mixed: each attempt uses the transport of its URI's scheme.
     */
    public static Builder builder(List<URI> servers) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("at least one server");
        }
        return new Builder(servers);
    }

    /** Opens the connection; the future completes with the server's first {@code connected} frame. */
    public CompletableFuture<Events.Connected> connect() {
        synchronized (lock) {
            if (started) {
                return firstConnected;
            }
            started = true;
            open(servers.get(0));
        }
        return firstConnected;
    }

    /** Joins {@code room}; completes with the room's current offset and epoch. */
    public CompletableFuture<Events.Joined> join(String room) {
        return recovery.join(room, null, false);
    }

    /** Joins {@code room}, asking to recover what was published after {@code since}. */
    public CompletableFuture<Events.Joined> join(String room, StreamPosition since) {
        return recovery.join(room, since, false);
    }

    public CompletableFuture<Void> leave(String room) {
        return request(command("leave_room").put("room", room)).thenApply(ack -> {
            recovery.forget(room);
            return null;
        });
    }

    /** Publishes {@code content} (anything Jackson can write) to a room; completes with its offset. */
    public CompletableFuture<Long> publish(String room, Object content) {
        return publish(room, content, null);
    }

    /**
     * Like {@link #publish(String, Object)}; a retry with the same {@code idempotencyKey}
     * ({@code null}: none) within 5 minutes, after an {@code unavailable} error or a lost
     * connection, is not published twice but completes with the first one's offset.
     */
    public CompletableFuture<Long> publish(String room, Object content, String idempotencyKey) {
        ObjectNode command = command("room_message").put("room", room);
        command.set("content", MAPPER.valueToTree(content));
        if (idempotencyKey != null) {
            command.put("idempotency_key", idempotencyKey);
        }
        return request(command).thenApply(ack -> ack.path("offset").asLong());
    }

    /** Sends {@code content} to every connection of user {@code to}. */
    public CompletableFuture<Void> sendDirect(String to, Object content) {
        return sendDirect(to, content, null);
    }

    /** Like {@link #sendDirect(String, Object)}, at most once per {@code idempotencyKey} (see {@link #publish(String, Object, String)}). */
    public CompletableFuture<Void> sendDirect(String to, Object content, String idempotencyKey) {
        ObjectNode command = command("direct_message").put("to", to);
        command.set("content", MAPPER.valueToTree(content));
        if (idempotencyKey != null) {
            command.put("idempotency_key", idempotencyKey);
        }
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

    /** The newest messages {@code room} keeps, oldest first (see {@link #history(String, StreamPosition, int, boolean)}). */
    public CompletableFuture<Events.History> history(String room, int limit) {
        return history(room, null, limit, false);
    }

    /**
     * Reads what {@code room} keeps, which this connection may read (a room it may join): the
     * messages after {@code since} (all kept, when {@code null}), at most {@code limit} of them
     * ({@code 0}: the server's most), oldest first; with {@code reverse}, the newest first. Only
     * reads: the room is not joined, and nothing is delivered to the listener.
     */
    public CompletableFuture<Events.History> history(String room, StreamPosition since, int limit, boolean reverse) {
        ObjectNode command = command("history").put("room", room);
        if (since != null) {
            command.putObject("since").put("offset", since.offset()).put("epoch", since.epoch());
        }
        if (limit > 0) {
            command.put("limit", limit);
        }
        if (reverse) {
            command.put("reverse", true);
        }
        return request(command).thenApply(ack -> {
            List<Events.RoomMessage> publications = new ArrayList<>();
            for (JsonNode frame : ack.path("publications")) {
                publications.add(FrameDispatch.roomMessage(frame));
            }
            StreamPosition position = new StreamPosition(ack.path("offset").asLong(), ack.path("epoch").asText(null));
            return new Events.History(ack.path("room").asText(room), publications, position,
                    ack.has("recovered") ? ack.get("recovered").asBoolean() : null);
        });
    }

    /**
     * Hands the server a fresh token for this connection before the current one expires;
     * completes with the new expiry. The token must be for the same user. Rooms it no longer
     * grants are left on the server at once (its ack lists them), and are not rejoined later.
     */
    public CompletableFuture<java.time.Instant> refresh(String token) {
        return request(command("refresh").put("token", token)).thenApply(ack -> {
            // Rooms the new token does not grant were left by the server: not rejoined later.
            ack.path("left_rooms").forEach(room -> recovery.forget(room.asText()));
            return java.time.Instant.ofEpochSecond(ack.path("expires_at").asLong());
        });
    }

    /** Round trip to the server; completes on its {@code pong}. */
    public CompletableFuture<Void> ping() {
        return request(command("ping")).thenApply(pong -> null);
    }

    /** The last position seen in {@code room} (offset and epoch), or {@code null} if not joined. */
    public StreamPosition position(String room) {
        return recovery.position(room);
    }

    /**
     * Sends {@code command} with a fresh {@code id}; completes with the {@code ack} (or
     * {@code pong}), or fails with the {@link SwitchboardException} of the {@code error}, or with
     * code {@code closed} when the connection goes first.
     */
    public CompletableFuture<JsonNode> request(ObjectNode command) {
        long id = ids.incrementAndGet();
        command.put("id", id);
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        Link current;
        synchronized (lock) {
            current = link;
        }
        if (current == null || !current.isActive() || closed.isDone()) {
            pending.remove(id);
            reply.completeExceptionally(new SwitchboardException("closed", "not connected"));
            return reply;
        }
        try {
            current.send(command);
        } catch (IllegalArgumentException e) {
            // Only gRPC refuses: a command type it has no message for.
            pending.remove(id);
            reply.completeExceptionally(new SwitchboardException("unsupported", e.getMessage(), e));
        }
        return reply;
    }

    /**
     * Sends one text frame exactly as given, valid or not. Over gRPC, where there are no text
     * frames, {@code text} must be a JSON command that has a gRPC message.
     *
     * @throws IllegalArgumentException over gRPC, if {@code text} is not such a command
     */
    public void sendRaw(String text) {
        currentLink().sendText(text);
    }

    /**
     * Stops reading from the connection, so the server's writes back up; for flow-control tests
     * and tools. Over gRPC, stops asking the call for frames (gRPC flow control does the rest).
     */
    public void pauseReading() {
        currentLink().pauseReading();
    }

    public void resumeReading() {
        currentLink().resumeReading();
    }

    public CompletableFuture<Events.Connected> connectedFuture() {
        return firstConnected;
    }

    /** Completes when the client has closed for good, with the close code the server gave. */
    public CompletableFuture<Events.Closed> closedFuture() {
        return closed;
    }

    /** Whether a connection is open now. */
    public boolean isOpen() {
        Link current;
        synchronized (lock) {
            current = link;
        }
        return current != null && current.isActive() && !closed.isDone();
    }

    /**
     * Drops the current connection as a network failure would: no WebSocket close (over gRPC,
     * the call is cancelled and its connection closed). With reconnection on, the client
     * reconnects and recovers.
     */
    public void dropConnection() {
        Link current;
        synchronized (lock) {
            current = link;
        }
        if (current != null) {
            current.abort();
        }
    }

    /** Drops the connection as {@link #dropConnection()} does and does not reconnect, as a crashing client would. */
    public void abort() {
        Link current;
        synchronized (lock) {
            closing = true;
            current = link;
        }
        if (current != null) {
            current.abort();
        } else {
            finish(new Events.Closed(1006, "aborted"), null);
        }
    }

    /**
     * Closes with 1000 and waits (up to 5 s) for the server to complete the closing handshake;
     * over gRPC, half-closes the call and waits for the server to complete it.
     */
    @Override
    public void close() {
        Link current;
        synchronized (lock) {
            closing = true;
            current = link;
        }
        if (current == null || closed.isDone()) {
            finish(new Events.Closed(1000, "closed"), null);
            return;
        }
        current.closeGracefully();
        try {
            closed.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            current.abortAndWait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            current.abort();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the close future never fails", e);
        }
    }

    // --- connection lifecycle ---

    private void open(URI uri) {
        long gen = ++generation;
        // A fresh token for every connection: the one given at start may have expired by now.
        String token = tokens == null ? null : tokens.get();
        if (GrpcLink.serves(uri)) {
            GrpcLink grpc = new GrpcLink(this, gen,
                    GrpcLink.newChannel(uri, group, localAddress, connectTimeout, maxFrameBytes, trust));
            link = grpc;
            grpc.start(GrpcLink.metadata(uri, headers, token));
            return;
        }
        HttpHeaders handshake = headers;
        if (token != null) {
            handshake = new DefaultHttpHeaders().add(headers).set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
        }
        ClientChannelHandler handler = new ClientChannelHandler(this, gen, uri, handshake, autoPong, maxFrameBytes);
        SslContext tls = "wss".equalsIgnoreCase(uri.getScheme()) ? webSocketTls : null;
        var future = WebSocketClientHandler.connect(group, uri, localAddress, connectTimeout, tls, handler);
        link = new WebSocketLink(future.channel());
        future.addListener(f -> {
            if (!f.isSuccess()) {
                onConnectionLost(gen, new Events.Closed(1006, "connect failed: " + f.cause()), f.cause());
            }
        });
    }

    private Link currentLink() {
        synchronized (lock) {
            return Objects.requireNonNull(link, "connect() first");
        }
    }

    private boolean isCurrent(long gen) {
        synchronized (lock) {
            return gen == generation;
        }
    }

    void onConnectionLost(long gen, Events.Closed how, Throwable cause) {
        URI next;
        Duration delay;
        int attempt;
        synchronized (lock) {
            if (gen != generation || closed.isDone()) {
                return;
            }
            link = null;
            failPending(new SwitchboardException("closed",
                    "connection closed (" + how.code() + " " + how.reason() + ")", cause));
            if (closing || !reconnect || !retry) {
                next = null;
                delay = null;
                attempt = 0;
            } else {
                attempt = ++attempts;
                long ceiling = Math.min(maxDelay.toMillis(), minDelay.toMillis() << Math.min(attempt - 1, 20));
                delay = Duration.ofMillis(ThreadLocalRandom.current().nextLong(minDelay.toMillis(), ceiling + 1));
                next = servers.get(servers.size() == 1 ? 0 : ThreadLocalRandom.current().nextInt(servers.size()));
            }
        }
        if (next == null) {
            finish(how, cause);
            return;
        }
        listener.onReconnecting(attempt, delay);
        group.schedule(() -> {
            synchronized (lock) {
                if (!closing && gen == generation) {
                    open(next);
                }
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void finish(Events.Closed how, Throwable cause) {
        if (!closed.complete(how)) {
            return;
        }
        SwitchboardException error = new SwitchboardException("closed",
                "connection closed (" + how.code() + " " + how.reason() + ")", cause);
        firstConnected.completeExceptionally(error);
        failPending(error);
        listener.onClose(how);
    }

    // --- called by the links (ClientChannelHandler, GrpcLink) on the I/O thread ---

    void onText(long gen, ByteBuf content) {
        if (isCurrent(gen)) {
            onFrameText(ByteBufUtil.getBytes(content));
        }
    }

    void onText(long gen, String text) {
        if (isCurrent(gen)) {
            onFrameText(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void onFrameText(byte[] utf8) {
        JsonNode frame;
        try {
            frame = MAPPER.readTree(utf8);
        } catch (IOException e) {
            listener.onError(new SwitchboardException("bad_frame", "server sent invalid JSON: " + e.getMessage(), e));
            return;
        }
        listener.onFrame(frame);
        FrameDispatch.dispatch(frame, this, listener);
    }

    void onHandshakeRejected(long gen, int status, String body) {
        onHandshakeRejected(gen, new HandshakeRejectedException(status, body));
    }

    void onHandshakeRejected(long gen, HandshakeRejectedException rejected) {
        int status = rejected.status();
        synchronized (lock) {
            if (gen != generation) {
                return;
            }
            // A client error will not go away by retrying; a server error or overload may.
            if (status >= 400 && status < 500 && status != 429) {
                retry = false;
            }
        }
        firstConnected.completeExceptionally(rejected);
    }

    void onConnected(Events.Connected info) {
        boolean first;
        synchronized (lock) {
            attempts = 0;
            first = !firstConnected.isDone();
        }
        if (first) {
            recovery.connected(info, false);
            firstConnected.complete(info);
        } else {
            listener.onReconnected(info);
            recovery.connected(info, true);
        }
    }

    void onDisconnectFrame(Events.Disconnect disconnect) {
        if (!disconnect.reconnect()) {
            synchronized (lock) {
                retry = false;
            }
        }
        listener.onDisconnect(disconnect);
    }

    void onRoomMessage(Events.RoomMessage message) {
        recovery.roomMessage(message);
    }

    void onDirectMessage(Events.DirectMessage message) {
        recovery.directMessage(message);
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

    private void failPending(SwitchboardException error) {
        for (Long id : List.copyOf(pending.keySet())) {
            CompletableFuture<JsonNode> reply = pending.remove(id);
            if (reply != null) {
                reply.completeExceptionally(error);
            }
        }
    }

    static ObjectNode command(String type) {
        return MAPPER.createObjectNode().put("type", type);
    }

    /**
     * Configures a {@link SwitchboardClient}. The servers' URIs pick the transport:
     * <ul>
     *   <li>{@code ws://host:port/path}: WebSocket, as the server's path asks (e.g.
     *       {@code /ws/alice} names the user for a server in insecure mode);</li>
     *   <li>{@code wss://host:port/path}: the same over TLS 1.3 or 1.2 (port 443 by default),
     *       trusting the JDK's default trust store or {@link #trustCertificates};</li>
     *   <li>{@code grpc://host:port[/user]}: gRPC over plaintext HTTP/2 (port 80 by default);</li>
     *   <li>{@code grpcs://host:port[/user]}: gRPC over TLS (port 443 by default), trusting the
     *       JDK's default trust store or {@link #trustCertificates}.</li>
     * </ul>
     * Over gRPC, a token from {@link #token} is sent as metadata {@code authorization: Bearer
     * <token>}; without one, the path's user (one segment, percent-encoded as in the URI)
     * is sent as {@code x-user-id}, which a server accepts only in insecure mode. {@link #build()}
     * rejects gRPC URIs without a host or with any other path.
     *
     * <p>For a cluster behind one DNS name, this client picks among the URIs it is given;
     * gRPC's own client-side balancing is for applications using the generated stubs
     * ({@code io.switchboard.protocol.grpc.v1.SwitchboardGrpc}) on a channel of their own, e.g.
     * {@code ManagedChannelBuilder.forTarget("dns:///host:9090").defaultLoadBalancingPolicy("round_robin")}.
     */
    public static final class Builder {
        private final List<URI> servers;
        private SwitchboardListener listener = new SwitchboardListener() { };
        private EventLoopGroup group;
        private InetAddress localAddress;
        private final HttpHeaders headers = new DefaultHttpHeaders();
        private Supplier<String> tokens;
        private boolean autoPong = true;
        private int maxFrameBytes = 16 * 1024 * 1024;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private boolean reconnect = true;
        private Duration minDelay = Duration.ofMillis(100);
        private Duration maxDelay = Duration.ofSeconds(10);
        private Path trustedCertificates;

        private Builder(List<URI> servers) {
            this.servers = List.copyOf(servers);
        }

        public Builder listener(SwitchboardListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Event loops to run on (clients may share them), WebSocket connections and gRPC channels
         * alike; by default a group shared by all clients. It must suit
         * {@link ClientEventLoops#channelType()}, as the groups of {@link ClientEventLoops#create} do.
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = group;
            return this;
        }

        /** Source address to connect from, e.g. one of 127.0.0.0/8 to spread many connections. */
        public Builder localAddress(InetAddress localAddress) {
            this.localAddress = localAddress;
            return this;
        }

        /**
         * An extra handshake header, e.g. {@code Authorization}; over gRPC, call metadata (the
         * name lower-cased, the value printable ASCII).
         */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /**
         * Where tokens come from: asked once per connection attempt and sent as
         * {@code Authorization: Bearer} (over gRPC, metadata {@code authorization: Bearer}), so a
         * reconnect after a token expired presents a new one.
         */
        public Builder token(Supplier<String> tokens) {
            this.tokens = Objects.requireNonNull(tokens, "tokens");
            return this;
        }

        /** Whether to answer the server's pings (default {@code true}); off only to test idle handling. */
        public Builder autoPong(boolean autoPong) {
            this.autoPong = autoPong;
            return this;
        }

        /** The largest frame to take from the server (over gRPC, the largest message); default 16 MiB. */
        public Builder maxFrameBytes(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * Whether to reconnect and recover when the connection is lost (default {@code true}).
         * The client does not reconnect after {@link #close()}, after a {@code disconnect} with
         * {@code reconnect: false}, or after a handshake refused with a 4xx status other than 429
         * (over gRPC, a call refused with {@code UNAUTHENTICATED} or {@code PERMISSION_DENIED}).
         */
        public Builder reconnect(boolean reconnect) {
            this.reconnect = reconnect;
            return this;
        }

        /**
         * Trusts the certificates in {@code pemFile} (PEM, one or more: a private CA, or a
         * server's own self-signed certificate) for {@code wss://} and {@code grpcs://}, instead
         * of the JDK's default trust store. The server's name (the URI's host) is checked against
         * its certificate either way.
         */
        public Builder trustCertificates(Path pemFile) {
            this.trustedCertificates = Objects.requireNonNull(pemFile, "pemFile");
            return this;
        }

        /**
         * Bounds of the reconnect delay: attempt n waits a random time between {@code min} and
         * {@code min * 2^(n-1)}, capped at {@code max} (defaults 100 ms and 10 s).
         */
        public Builder reconnectDelay(Duration min, Duration max) {
            if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("need 0 < min <= max");
            }
            this.minDelay = min;
            this.maxDelay = max;
            return this;
        }

        /**
         * @throws IllegalArgumentException if a gRPC URI has no host or a path other than a user,
         *                                  or a {@link #header} cannot be gRPC metadata
         */
        public SwitchboardClient build() {
            for (URI server : servers) {
                if (GrpcLink.serves(server)) {
                    GrpcLink.validate(server, headers);
                } else if (!"ws".equalsIgnoreCase(server.getScheme()) && !"wss".equalsIgnoreCase(server.getScheme())) {
                    throw new IllegalArgumentException("not a ws, wss, grpc or grpcs URI: " + server);
                }
            }
            return new SwitchboardClient(this);
        }
    }
}
