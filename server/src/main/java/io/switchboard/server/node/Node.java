package io.switchboard.server.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Command;
import io.switchboard.protocol.CommandDecoder;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.FrameTemplate;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.Names;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.auth.AuthenticationException;
import io.switchboard.server.auth.Authenticator;
import io.switchboard.server.auth.Identity;
import io.switchboard.server.auth.InsecureAuthenticator;
import io.switchboard.server.auth.RoomAccess;
import io.switchboard.server.broker.Broker;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.history.HistoryPage;
import io.switchboard.server.history.HistoryStore;
import io.switchboard.server.history.Publication;
import io.switchboard.server.history.StreamKey;
import io.switchboard.server.hub.Hub;
import io.switchboard.server.ids.NodeIds;
import io.switchboard.server.metrics.NodeMetrics;
import io.switchboard.server.presence.LocalConnection;
import io.switchboard.server.presence.Member;
import io.switchboard.server.presence.PresenceChange;
import io.switchboard.server.presence.PresenceStore;
import io.switchboard.server.presence.RoomSummary;
import io.switchboard.server.session.CommandHandler;
import io.switchboard.server.session.Connection;
import io.switchboard.server.session.Reply;
import io.switchboard.server.session.Session;
import io.switchboard.server.session.SessionLimits;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of a node: opens and ends sessions and routes every command. Publications go to the
 * broker only; what reaches clients comes back through the hub. It never writes to a socket.
 */
public final class Node implements CommandHandler {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final NodeMetrics metrics;
    private final ServerConfig config;
    private final Hub hub;
    private final Broker broker;
    private final PresenceStore presence;
    private final HistoryStore history;
    private final Authenticator authenticator;
    private final RoomAccess access;
    private final SessionLimits sessionLimits;
    private final LongSupplier clock;
    private final RateMeter publications = new RateMeter();
    /**
     * This node's sessions counted in the presence store, from before they are counted until they
     * end, by id, each with the rooms whose membership the store records (added before the store
     * is asked to record one, removed before it is asked to forget it): what a resync keeps.
     */
    private final Map<String, LocalConnection> counted = new java.util.concurrent.ConcurrentHashMap<>();
    private final NodeStats stats;

    /** A node that trusts the user id its transports give it (insecure mode). */
    public Node(ServerConfig config, Hub hub, Broker broker, PresenceStore presence, HistoryStore history,
                LongSupplier clock) {
        this(config, hub, broker, presence, history, new InsecureAuthenticator(), clock);
    }

    /** A node whose clients refresh their tokens through {@code authenticator}; {@code clock} gives epoch millis. */
    public Node(ServerConfig config, Hub hub, Broker broker, PresenceStore presence, HistoryStore history,
                Authenticator authenticator, LongSupplier clock) {
        this(config, hub, broker, presence, history, authenticator, NodeMetrics.nodeOnly(config.nodeId()), clock);
    }

    /** A node that counts what it does in {@code metrics}. */
    public Node(ServerConfig config, Hub hub, Broker broker, PresenceStore presence, HistoryStore history,
                Authenticator authenticator, NodeMetrics metrics, LongSupplier clock) {
        this.metrics = metrics;
        this.config = config;
        this.hub = hub;
        this.broker = broker;
        this.presence = presence;
        this.history = history;
        this.authenticator = authenticator;
        this.access = new RoomAccess(config);
        this.sessionLimits = new SessionLimits(config.maxPendingCommands(), new CommandDecoder(config.maxJsonDepth()),
                config.commandsPerSecond(), config.commandBurst());
        this.clock = clock;
        this.stats = new NodeStats(config.nodeId(), hub, presence, metrics, publications, clock);
    }

    public String id() {
        return config.nodeId();
    }

    /**
     * Opens a session for an authenticated user on a new connection. Once this node receives
     * the user's frames (the broker subscribed), the session sends {@code connected}, is indexed
     * and starts serving commands; a user's first connection anywhere emits {@code online}.
     * When the broker cannot subscribe, the connection is closed with 1013 (try again later).
     * Call on the connection's loop.
     */
    public Session open(String userId, Connection connection) {
        return open(Identity.unverified(userId), connection, null, null);
    }

    /**
     * Like {@link #open(String, Connection)}, for a client that proved to be {@code identity}:
     * the connection is closed with 4001 when the identity expires, unless it is refreshed.
     * {@code connectId} is the id of the {@code connect} command that brought the token, if any;
     * {@code onEnd} runs when the session ends, however it ends.
     */
    public Session open(Identity identity, Connection connection, JsonNode connectId, Runnable onEnd) {
        String userId = identity.userId();
        Session session = new Session(NodeIds.token(16), identity, connection, this, sessionLimits);
        if (onEnd != null) {
            session.onEnd(onEnd);
        }
        // Subscribed first, then the position of the user's direct messages: those after it reach
        // this connection live, and the connected frame tells the client where that starts. Then
        // the connection is counted in the cluster's presence, which is where the cluster-wide
        // limit of connections per user is kept. A backend following rooms has no direct
        // messages and no presence.
        boolean person = !identity.backend();
        CompletionStage<Admission> admitted = person
                ? broker.subscribeUser(userId).thenCompose(v -> broker.position(StreamKey.user(userId)))
                        .thenCompose(direct -> count(session, direct))
                : CompletableFuture.completedFuture(new Admission(new StreamPosition(0, ""), Admission.UNKNOWN));
        admitted
                .whenComplete((admission, failure) -> session.execute(() -> {
                    admitOrRefuse(session, connection, connectId, person, admission, failure);
                }));
        return session;
    }

    /**
     * Counts a new session in the presence store, listed meanwhile among this node's live
     * connections (so that a resync running now keeps it). The store being unreachable does not
     * stop the session: the node registers its connections again once the store is back.
     */
    private CompletionStage<Admission> count(Session session, StreamPosition direct) {
        counted.put(session.id(), new LocalConnection(session.userId(), session.id(),
                java.util.concurrent.ConcurrentHashMap.newKeySet()));
        return presence.connect(session.userId(), session.id(), config.maxConnectionsPerUser()).handle((count, failure) -> {
            logFailure(failure, session, "presence on connect");
            if (failure == null && count == PresenceStore.REFUSED) {
                // Not live from now on, so that a resync registering it meanwhile removes it again.
                counted.remove(session.id());
            }
            return new Admission(direct, failure == null ? count : Admission.UNKNOWN);
        });
    }

    /** The end of opening a session: refused (broker down, over the user limit, gone meanwhile) or started. */
    private void admitOrRefuse(Session session, Connection connection, JsonNode connectId, boolean person,
                               Admission admission, Throwable failure) {
        String userId = session.userId();
        boolean overLimit = failure == null && person && admission.connections() == PresenceStore.REFUSED;
        if (failure != null || session.isEnded() || overLimit) {
            if (person) {
                broker.unsubscribeUser(userId);
                counted.remove(session.id());
                if (failure == null && !overLimit) {
                    uncount(session, admission);
                }
            }
            if (failure != null) {
                log.warn("{}: cannot subscribe to the user's frames, refusing: {}", session, failure.toString());
                session.close(CloseCodes.TRY_AGAIN_LATER, "message broker unavailable", true);
            } else if (overLimit && !session.isEnded()) {
                int limit = config.maxConnectionsPerUser();
                log.debug("{}: over the cluster's limit of {} connections per user", session, limit);
                session.close(CloseCodes.RATE_LIMITED, "too many connections for user " + userId
                        + ": at most " + limit + " across the cluster", false);
            }
            return;
        }
        session.send(ServerFrames.connected(connectId, userId, session.id(), config.nodeId(),
                admission.direct(), connection.httpSession(), connection.resumed()));
        hub.register(session);
        metrics.connectionOpened(connection.transport());
        session.start();
        watchExpiry(session);
        if (!person) {
            log.debug("{} (backend) opened from {}", session, connection.remoteAddress());
            return;
        }
        if (admission.connections() == 1) {
            announce(PresenceChange.online(userId, true))
                    .whenComplete((x, e) -> logFailure(e, session, "announcing online"));
        }
        log.debug("{} opened from {}", session, connection.remoteAddress());
    }

    /**
     * Forgets a session that ended while it was being counted (the store may hold it even when
     * its answer was lost). The events are those nobody else will emit: counted as the user's
     * first, nobody announced the user online, so if others are still there they are online
     * now; counted after others, its being the last means the user is gone.
     */
    private void uncount(Session session, Admission admission) {
        String userId = session.userId();
        boolean known = admission.connections() != Admission.UNKNOWN;
        boolean first = admission.connections() == 1;
        presence.disconnect(userId, session.id())
                .thenCompose(last -> !known ? DONE
                        : first && !last ? announce(PresenceChange.online(userId, true))
                        : !first && last ? announce(PresenceChange.online(userId, false)) : DONE)
                .whenComplete((v, e) -> logFailure(e, session, "presence of a session ended while opening"));
    }

    /**
     * Closes the session with 4001 when its identity expires (after the clock leeway), unless a
     * {@code refresh} brought a later expiry by then.
     */
    private void watchExpiry(Session session) {
        Instant expires = session.identity().expiresAt();
        if (expires == null) {
            return;
        }
        Instant deadline = expires.plus(config.jwt().leeway());
        long delay = Math.max(0, deadline.toEpochMilli() - clock.getAsLong());
        session.schedule(() -> {
            if (session.isEnded()) {
                return;
            }
            if (expires.equals(session.identity().expiresAt())) {
                log.debug("{}: token expired", session);
                session.close(CloseCodes.UNAUTHORIZED, "token expired", true);
            } else {
                watchExpiry(session);
            }
        }, Duration.ofMillis(delay));
    }

    @Override
    public void closed(Session session) {
        if (session.closeCode() > 0) {
            metrics.disconnected(session.closeCode());
        }
        for (String room : List.copyOf(session.rooms())) {
            leave(session, room).whenComplete((v, e) -> logFailure(e, session, "leaving " + room + " on close"));
        }
        hub.unregister(session);
        metrics.connectionClosed(session.transport());
        if (session.identity().backend()) {
            log.debug("{} (backend) closed", session);
            return;
        }
        counted.remove(session.id());
        broker.unsubscribeUser(session.userId());
        presence.disconnect(session.userId(), session.id())
                .thenCompose(last -> last ? announce(PresenceChange.online(session.userId(), false)) : DONE)
                .whenComplete((v, e) -> logFailure(e, session, "presence on close"));
        log.debug("{} closed", session);
    }

    /**
     * Emits the event of a presence change decided by the store, to the cluster; a room's
     * {@code join}/{@code leave} only where its policy announces them.
     */
    public CompletionStage<Void> announce(PresenceChange change) {
        if (change.room() != null && !access.announcesMembership(change.room())) {
            return DONE;
        }
        if (change.room() == null) {
            return broker.publishEvent(Names.PRESENCE_ROOM,
                    ServerFrames.presence(change.user(), change.present(), clock.getAsLong()));
        }
        return broker.publishEvent(change.room(), ServerFrames.membership(change.room(), change.user(), change.present()));
    }

    /**
     * Makes the presence store hold exactly this node's connections again, after it was
     * unreachable, and emits the events of whatever that changed.
     */
    public CompletionStage<Void> resync() {
        Announcements announced = new Announcements();
        return presence.resync(java.util.Collections.unmodifiableMap(counted), announced)
                .thenCompose(v -> announced.sent()).thenApply(n -> null);
    }

    /**
     * Removes the presence of a node that stopped (this one, when it leaves the cluster) and
     * announces the changes as the store makes them; answers how many there were.
     */
    public CompletionStage<Integer> reap(String deadNode) {
        Announcements announced = new Announcements();
        return presence.reap(deadNode, announced).thenCompose(v -> announced.sent());
    }

    /** Announces presence changes as they are reported (on the store's thread, in its order). */
    private final class Announcements implements java.util.function.Consumer<PresenceChange> {
        private final java.util.Queue<CompletableFuture<Void>> sent = new java.util.concurrent.ConcurrentLinkedQueue<>();

        @Override
        public void accept(PresenceChange change) {
            sent.add(announce(change).toCompletableFuture());
        }

        /** Completes when every change reported so far is announced, with their number. */
        CompletionStage<Integer> sent() {
            CompletableFuture<?>[] all = sent.toArray(new CompletableFuture<?>[0]);
            return CompletableFuture.allOf(all).thenApply(v -> all.length);
        }
    }

    /** Whether the presence store records the session's membership of {@code room} (people, in rooms that track members). */
    private boolean recordsMembership(Session session, String room) {
        return !Names.PRESENCE_ROOM.equals(room) && access.tracksMembers(room) && !session.identity().backend();
    }

    /** Notes that the presence store is (about to be) asked to record, or forget, the session's membership of {@code room}. */
    private void tracking(Session session, String room, boolean member) {
        LocalConnection connection = counted.get(session.id());
        if (connection == null) {
            return;
        }
        if (member) {
            connection.rooms().add(room);
        } else {
            connection.rooms().remove(room);
        }
    }

    /** Removes everything this node registered in the presence store and emits the events. */
    public CompletionStage<Void> departCluster() {
        return reap(config.nodeId()).thenApply(n -> null);
    }

    @Override
    public CompletionStage<Reply> handle(Session session, Command command) {
        return serve(session, command).whenComplete((reply, failure) -> metrics.command(command.type(), result(failure)));
    }

    /** {@code ok}, or the error code a command failed with, as counted in the metrics. */
    private static String result(Throwable failure) {
        if (failure == null) {
            return "ok";
        }
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof FrameException ? ((FrameException) cause).code().wireName() : ErrorCode.INTERNAL.wireName();
    }

    @Override
    public void refused(String type, ErrorCode code) {
        metrics.command(type, code.wireName());
    }

    private CompletionStage<Reply> serve(Session session, Command command) {
        if (command instanceof Command.RoomMessage) {
            return publish(session, (Command.RoomMessage) command);
        } else if (command instanceof Command.DirectMessage) {
            return directMessage(session, (Command.DirectMessage) command);
        } else if (command instanceof Command.JoinRoom) {
            return join(session, (Command.JoinRoom) command);
        } else if (command instanceof Command.LeaveRoom) {
            String room = ((Command.LeaveRoom) command).room();
            return leave(session, room).thenApply(v -> Reply.ack(fields().put("room", room)));
        } else if (command instanceof Command.Presence) {
            return presence(session, ((Command.Presence) command).room());
        } else if (command instanceof Command.History) {
            return roomHistory(session, (Command.History) command);
        } else if (command instanceof Command.DirectHistory) {
            return directHistory(session, (Command.DirectHistory) command);
        } else if (command instanceof Command.Ping) {
            return CompletableFuture.completedFuture(Reply.pong());
        } else if (command instanceof Command.Refresh) {
            return refresh(session, (Command.Refresh) command);
        } else if (command instanceof Command.Connect) {
            return failed(ErrorCode.BAD_REQUEST, "already connected: send a fresh token with 'refresh'");
        }
        return failed(ErrorCode.UNKNOWN_TYPE, "unsupported command " + command.type());
    }

    private CompletionStage<Reply> join(Session session, Command.JoinRoom command) {
        String room = command.room();
        if (session.rooms().contains(room)) {
            return broker.position(StreamKey.room(room)).thenApply(position -> joinAck(room, position, null));
        }
        String denied = access.joinDenied(session.identity(), room);
        if (denied != null) {
            return failed(ErrorCode.FORBIDDEN, denied);
        }
        if (session.rooms().size() >= config.maxRoomsPerConnection()) {
            return failed(ErrorCode.LIMIT_EXCEEDED,
                    "a connection may be in at most " + config.maxRoomsPerConnection() + " rooms");
        }
        StreamPosition since = command.since();
        session.rooms().add(room);
        hub.addMember(room, session);
        session.holdRoom(room);
        // Subscribed before anything is read: whatever is published after the read reaches the
        // session live, and what came in between is held back and merged by offset.
        CompletionStage<Void> joined = broker.subscribeRoom(room)
                .handle((v, failure) -> {
                    if (failure != null) {
                        session.execute(() -> {
                            if (session.rooms().remove(room)) {
                                hub.removeMember(room, session);
                            }
                            session.removeGate(room);
                        });
                        broker.unsubscribeRoom(room);
                        throw asCompletion(failure);
                    }
                    return v;
                })
                .thenCompose(v -> {
                    if (!recordsMembership(session, room)) {
                        return DONE;
                    }
                    tracking(session, room, true);
                    return presence.join(room, session.userId(), session.id())
                            .thenCompose(first -> first
                                    ? announce(PresenceChange.membership(room, session.userId(), true))
                                    : DONE);
                });
        CompletionStage<HistoryPage> read = since == null
                ? joined.thenCompose(v -> broker.position(StreamKey.room(room)))
                        .thenApply(position -> new HistoryPage(List.of(), position))
                : joined.thenCompose(v -> history.read(StreamKey.room(room), since.offset(), 0));
        return read.handle((page, failure) -> {
            if (failure != null) {
                // The join did not complete: undo it, so the client's view and the node's agree.
                session.execute(() -> leave(session, room));
                throw asCompletion(failure);
            }
            Boolean recovered = since == null ? null : page.continues(since);
            List<byte[]> replay = Boolean.TRUE.equals(recovered) ? frames(page) : List.of();
            long through = page.position().offset();
            session.execute(() -> session.releaseRoom(room, replay, through));
            return joinAck(room, page.position(), recovered);
        });
    }

    private CompletionStage<Reply> refresh(Session session, Command.Refresh command) {
        Identity fresh;
        try {
            fresh = authenticator.verify(command.token());
        } catch (AuthenticationException e) {
            return failed(ErrorCode.UNAUTHORIZED, e.getMessage());
        }
        if (!fresh.userId().equals(session.userId())) {
            return failed(ErrorCode.FORBIDDEN, "the token is for another user than this connection's");
        }
        session.identity(fresh);
        // Rooms the new token no longer grants are left at once, as if the client had left them.
        ObjectNode ack = fields().put("expires_at", fresh.expiresAt().getEpochSecond());
        ArrayNode left = ack.putArray("left_rooms");
        List<CompletableFuture<Void>> leaving = new ArrayList<>();
        for (String room : List.copyOf(session.rooms())) {
            if (access.joinDenied(fresh, room) != null) {
                left.add(room);
                leaving.add(leave(session, room).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(leaving.toArray(CompletableFuture[]::new)).thenApply(v -> Reply.ack(ack));
    }

    private static Reply joinAck(String room, StreamPosition position, Boolean recovered) {
        ObjectNode ack = fields().put("room", room).put("offset", position.offset()).put("epoch", position.epoch());
        if (recovered != null) {
            ack.put("recovered", recovered);
        }
        return Reply.ack(ack);
    }

    private CompletionStage<Reply> roomHistory(Session session, Command.History command) {
        String room = command.room();
        if (!session.rooms().contains(room)) {
            return failed(ErrorCode.FORBIDDEN, "join room '" + room + "' before reading its history");
        }
        return roomHistory(room, command.since(), command.limit(), command.reverse()).thenApply(Reply::ack);
    }

    /**
     * A room's kept publications for the server API: {@code room}, {@code publications},
     * {@code offset}, {@code epoch}, and {@code recovered} when {@code since} is given; the
     * newest publications first when {@code reverse}.
     */
    public CompletionStage<ObjectNode> roomHistory(String room, StreamPosition since, int limit, boolean reverse) {
        return readHistory(StreamKey.room(room), since, limit, reverse, fields().put("room", room));
    }

    private CompletionStage<Reply> directHistory(Session session, Command.DirectHistory command) {
        return readHistory(StreamKey.user(session.userId()), command.since(), command.limit(), command.reverse(),
                fields()).thenApply(Reply::ack);
    }

    /**
     * The kept publications after {@code since} (all kept ones when it is missing or of another
     * epoch), with the stream's position; {@code recovered} says whether they continue
     * {@code since} without a gap. The newest ones, newest first, when {@code reverse}.
     */
    private CompletionStage<ObjectNode> readHistory(StreamKey stream, StreamPosition since, int limit, boolean reverse,
                                                    ObjectNode ack) {
        return broker.position(stream)
                .thenCompose(position -> history.read(stream,
                        since != null && since.epoch().equals(position.epoch()) ? since.offset() : 0, limit, reverse))
                .thenApply(page -> {
                    ArrayNode publications = ack.putArray("publications");
                    for (Publication publication : page.publications()) {
                        publications.add(parseFrame(publication.frame()));
                    }
                    ack.put("offset", page.position().offset()).put("epoch", page.position().epoch());
                    if (since != null) {
                        ack.put("recovered", page.continues(since));
                    }
                    return ack;
                });
    }

    private static JsonNode parseFrame(byte[] frame) {
        try {
            return Json.mapper().readTree(frame);
        } catch (IOException e) {
            throw new IllegalStateException("a stored frame is not JSON", e);
        }
    }

    private static List<byte[]> frames(HistoryPage page) {
        List<byte[]> frames = new ArrayList<>(page.publications().size());
        for (Publication publication : page.publications()) {
            frames.add(publication.frame());
        }
        return frames;
    }

    /** Takes the session out of the room; emits {@code leave} when it was the user's last connection there. */
    private CompletionStage<Void> leave(Session session, String room) {
        if (!session.rooms().remove(room)) {
            return DONE;
        }
        hub.removeMember(room, session);
        session.removeGate(room);
        broker.unsubscribeRoom(room);
        if (!recordsMembership(session, room)) {
            return DONE;
        }
        tracking(session, room, false);
        return presence.leave(room, session.userId(), session.id())
                .thenCompose(last -> last
                        ? announce(PresenceChange.membership(room, session.userId(), false))
                        : DONE);
    }

    private CompletionStage<Reply> publish(Session session, Command.RoomMessage command) {
        String room = command.room();
        if (Names.PRESENCE_ROOM.equals(room)) {
            return failed(ErrorCode.FORBIDDEN, "room 'presence' is reserved for online/offline events");
        }
        String denied = access.publishDenied(session.identity(), room, session.rooms().contains(room));
        if (denied != null) {
            return failed(ErrorCode.FORBIDDEN, denied);
        }
        return publishToRoom(room, session.userId(), command.content(), command.idempotencyKey())
                .thenApply(position -> Reply.ack(fields().put("room", room).put("offset", position.offset())));
    }

    private CompletionStage<Reply> directMessage(Session session, Command.DirectMessage command) {
        return sendDirect(command.to(), session.userId(), command.content(), command.idempotencyKey())
                .thenApply(position -> Reply.ack(fields().put("to", command.to()).put("offset", position.offset())));
    }

    /**
     * Publishes {@code content} (a JSON text) to a room as {@code from} (which may be
     * {@code null} for the server API), with no membership check: the caller has made it.
     */
    public CompletionStage<StreamPosition> publishToRoom(String room, String from, String content) {
        return publishToRoom(room, from, content, null);
    }

    /**
     * Like {@link #publishToRoom(String, String, String)}; a retry with the same
     * {@code idempotencyKey} ({@code null}: none) within {@link Broker#IDEMPOTENCY_WINDOW} is
     * answered with the first one's position and not published again.
     */
    public CompletionStage<StreamPosition> publishToRoom(String room, String from, String content,
                                                         String idempotencyKey) {
        if (Names.PRESENCE_ROOM.equals(room)) {
            return failed(ErrorCode.FORBIDDEN, "room 'presence' is reserved for online/offline events");
        }
        publications.increment();
        metrics.published(true);
        FrameTemplate frame = FrameTemplate.message(room, from, content, clock.getAsLong());
        return broker.publish(StreamKey.room(room), frame, config.history(room), idempotencyKey);
    }

    /** Sends {@code content} (a JSON text) to every connection of {@code to} as {@code from}. */
    public CompletionStage<StreamPosition> sendDirect(String to, String from, String content) {
        return sendDirect(to, from, content, null);
    }

    /** Like {@link #sendDirect(String, String, String)}, at most once per {@code idempotencyKey} (see {@link #publishToRoom}). */
    public CompletionStage<StreamPosition> sendDirect(String to, String from, String content, String idempotencyKey) {
        publications.increment();
        metrics.published(false);
        FrameTemplate frame = FrameTemplate.directMessage(from, to, content, clock.getAsLong());
        return broker.publish(StreamKey.user(to), frame, config.directHistory(), idempotencyKey);
    }

    /** Members of a room, cluster-wide; of the room {@code presence}, everyone online. */
    public CompletionStage<List<Member>> members(String room) {
        return Names.PRESENCE_ROOM.equals(room) ? presence.online() : presence.members(room);
    }

    /** Rooms with members, cluster-wide. */
    public CompletionStage<List<RoomSummary>> rooms() {
        return presence.rooms();
    }

    /** How many connections a user has, cluster-wide. */
    public CompletionStage<Integer> connections(String user) {
        return presence.connections(user);
    }

    /** Asks another node of the cluster (see {@link Broker#requestNode}). */
    public CompletionStage<byte[]> requestNode(String nodeId, byte[] request) {
        return broker.requestNode(nodeId, request);
    }

    /** Sets what answers the requests of other nodes. */
    public void answerNodeRequests(java.util.function.Function<byte[], CompletionStage<byte[]>> answerer) {
        broker.answerNodeRequests(answerer);
    }

    /** Closes every connection of {@code user}, on every node, without inviting it back. */
    public CompletionStage<Void> disconnectUser(String user) {
        return broker.disconnectUser(user);
    }

    /**
     * Counts for the server API's stats: cluster-wide from the presence store, this node's own
     * ({@code node}), and the last report of every node ({@code cluster}, this node's live).
     */
    public CompletionStage<ObjectNode> stats() {
        return stats.stats();
    }

    /** This node's counts, as its heartbeat reports them to the cluster ({@link NodeStats#report()}). */
    public CompletionStage<ObjectNode> report() {
        return stats.report();
    }

    /** Just this node's id: the report sent when the counts cannot be taken in time. */
    public ObjectNode reportWithoutCounts() {
        return stats.reportWithoutCounts();
    }

    /**
     * What opening a session learned: where the user's direct messages stand, and what the
     * presence store answered: the user's connections across the cluster with this one,
     * {@link PresenceStore#REFUSED} over the limit, or {@link #UNKNOWN} when it could not be asked.
     */
    private record Admission(StreamPosition direct, int connections) {
        static final int UNKNOWN = -2;
    }

    private CompletionStage<Reply> presence(Session session, String room) {
        String denied = access.presenceDenied(session.identity(), room);
        if (denied != null) {
            return failed(ErrorCode.FORBIDDEN, denied);
        }
        return members(room).thenApply(list -> {
            ArrayNode array = JSON.arrayNode(list.size());
            for (Member member : list) {
                array.addObject().put("user_id", member.userId()).put("connections", member.connections());
            }
            ObjectNode ack = fields().put("room", room);
            ack.set("members", array);
            return Reply.ack(ack);
        });
    }

    private static CompletionException asCompletion(Throwable failure) {
        return failure instanceof CompletionException ? (CompletionException) failure : new CompletionException(failure);
    }

    private static ObjectNode fields() {
        return JSON.objectNode();
    }

    private static <T> CompletionStage<T> failed(ErrorCode code, String message) {
        return CompletableFuture.failedFuture(new FrameException(code, message));
    }

    private static void logFailure(Throwable failure, Session session, String what) {
        if (failure == null) {
            return;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof FrameException && ((FrameException) cause).code() == ErrorCode.UNAVAILABLE) {
            // The store is down; the node re-registers its connections when it is back.
            log.warn("{}: {} failed: {}", session, what, cause.getMessage());
        } else {
            log.error("{}: {} failed", session, what, failure);
        }
    }
}
