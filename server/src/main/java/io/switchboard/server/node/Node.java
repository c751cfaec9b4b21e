package io.switchboard.server.node;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Command;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.MessageFrameTemplate;
import io.switchboard.protocol.Names;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.broker.Broker;
import io.switchboard.server.config.NodeIds;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.hub.Hub;
import io.switchboard.server.presence.LocalConnection;
import io.switchboard.server.presence.Member;
import io.switchboard.server.presence.PresenceChange;
import io.switchboard.server.presence.PresenceStore;
import io.switchboard.server.session.CommandHandler;
import io.switchboard.server.session.Connection;
import io.switchboard.server.session.Reply;
import io.switchboard.server.session.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
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

    private final ServerConfig config;
    private final Hub hub;
    private final Broker broker;
    private final PresenceStore presence;
    private final LongSupplier clock;

    public Node(ServerConfig config, Hub hub, Broker broker, PresenceStore presence, LongSupplier clock) {
        this.config = config;
        this.hub = hub;
        this.broker = broker;
        this.presence = presence;
        this.clock = clock;
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
        Session session = new Session(NodeIds.token(16), userId, connection, this, config.maxPendingCommands());
        broker.subscribeUser(userId).whenComplete((v, failure) -> session.execute(() -> {
            if (failure != null || session.isEnded()) {
                broker.unsubscribeUser(userId);
                if (failure != null) {
                    log.warn("{}: cannot subscribe to the user's frames, refusing: {}", session, failure.toString());
                    session.close(CloseCodes.TRY_AGAIN_LATER, "message broker unavailable", true);
                }
                return;
            }
            session.send(ServerFrames.connected(userId, session.id(), config.nodeId()));
            hub.register(session);
            session.start();
            presence.connect(userId, session.id())
                    .thenCompose(first -> first ? announce(PresenceChange.online(userId, true)) : DONE)
                    .whenComplete((x, e) -> logFailure(e, session, "presence on connect"));
            log.debug("{} opened from {}", session, connection.remoteAddress());
        }));
        return session;
    }

    @Override
    public void closed(Session session) {
        for (String room : List.copyOf(session.rooms())) {
            leave(session, room).whenComplete((v, e) -> logFailure(e, session, "leaving " + room + " on close"));
        }
        hub.unregister(session);
        broker.unsubscribeUser(session.userId());
        presence.disconnect(session.userId(), session.id())
                .thenCompose(last -> last ? announce(PresenceChange.online(session.userId(), false)) : DONE)
                .whenComplete((v, e) -> logFailure(e, session, "presence on close"));
        log.debug("{} closed", session);
    }

    /** Emits the event of a presence change decided by the store, to the cluster. */
    public CompletionStage<Void> announce(PresenceChange change) {
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
        return hub.collect(s -> new LocalConnection(s.userId(), s.id(), Set.copyOf(s.rooms())))
                .thenCompose(presence::resync)
                .thenCompose(this::announceAll);
    }

    /** Removes everything this node registered in the presence store and emits the events. */
    public CompletionStage<Void> departCluster() {
        return presence.reap(config.nodeId()).thenCompose(this::announceAll);
    }

    /** Emits the events of several changes (a dead node's departures, a resync). */
    public CompletionStage<Void> announceAll(List<PresenceChange> changes) {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (PresenceChange change : changes) {
            sent.add(announce(change).toCompletableFuture());
        }
        return CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0]));
    }

    @Override
    public CompletionStage<Reply> handle(Session session, Command command) {
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
            return presence(((Command.Presence) command).room());
        } else if (command instanceof Command.Ping) {
            return CompletableFuture.completedFuture(Reply.pong());
        }
        return failed(ErrorCode.UNKNOWN_TYPE, "unsupported command " + command.type());
    }

    private CompletionStage<Reply> join(Session session, Command.JoinRoom command) {
        String room = command.room();
        if (session.rooms().contains(room)) {
            return broker.position(room).thenApply(position -> joinAck(room, position, command));
        }
        if (session.rooms().size() >= config.maxRoomsPerConnection()) {
            return failed(ErrorCode.LIMIT_EXCEEDED,
                    "a connection may be in at most " + config.maxRoomsPerConnection() + " rooms");
        }
        session.rooms().add(room);
        hub.addMember(room, session);
        // Subscribed before anything else: whatever is published after the ack reaches the session.
        return broker.subscribeRoom(room)
                .handle((v, failure) -> {
                    if (failure != null) {
                        session.execute(() -> {
                            if (session.rooms().remove(room)) {
                                hub.removeMember(room, session);
                            }
                        });
                        broker.unsubscribeRoom(room);
                        throw asCompletion(failure);
                    }
                    return v;
                })
                .thenCompose(v -> Names.PRESENCE_ROOM.equals(room)
                        ? DONE
                        : presence.join(room, session.userId(), session.id())
                                .thenCompose(first -> first ? announce(PresenceChange.membership(room, session.userId(), true)) : DONE))
                .thenCompose(v -> broker.position(room))
                .thenApply(position -> joinAck(room, position, command));
    }

    private static Reply joinAck(String room, StreamPosition position, Command.JoinRoom command) {
        ObjectNode ack = fields().put("room", room).put("offset", position.offset()).put("epoch", position.epoch());
        if (command.since() != null) {
            // Nothing is kept to replay yet, so only a client that missed nothing is recovered.
            ack.put("recovered", command.since().equals(position));
        }
        return Reply.ack(ack);
    }

    /** Takes the session out of the room; emits {@code leave} when it was the user's last connection there. */
    private CompletionStage<Void> leave(Session session, String room) {
        if (!session.rooms().remove(room)) {
            return DONE;
        }
        hub.removeMember(room, session);
        broker.unsubscribeRoom(room);
        if (Names.PRESENCE_ROOM.equals(room)) {
            return DONE;
        }
        return presence.leave(room, session.userId(), session.id())
                .thenCompose(last -> last ? announce(PresenceChange.membership(room, session.userId(), false)) : DONE);
    }

    private CompletionStage<Reply> publish(Session session, Command.RoomMessage command) {
        String room = command.room();
        if (Names.PRESENCE_ROOM.equals(room)) {
            return failed(ErrorCode.FORBIDDEN, "room 'presence' is reserved for online/offline events");
        }
        if (!session.rooms().contains(room)) {
            return failed(ErrorCode.FORBIDDEN, "join room '" + room + "' before publishing to it");
        }
        MessageFrameTemplate frame = MessageFrameTemplate.of(room, session.userId(), command.content(), clock.getAsLong());
        return broker.publishMessage(room, frame)
                .thenApply(position -> Reply.ack(fields().put("room", room).put("offset", position.offset())));
    }

    private CompletionStage<Reply> directMessage(Session session, Command.DirectMessage command) {
        byte[] frame = ServerFrames.directMessage(session.userId(), command.to(), command.content(), clock.getAsLong());
        return broker.publishToUser(command.to(), frame)
                .thenApply(v -> Reply.ack(fields().put("to", command.to())));
    }

    private CompletionStage<Reply> presence(String room) {
        CompletionStage<List<Member>> members = Names.PRESENCE_ROOM.equals(room)
                ? presence.online()
                : presence.members(room);
        return members.thenApply(list -> {
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
