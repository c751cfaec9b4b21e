package io.switchboard.server.node;

import static io.switchboard.server.node.Outcomes.DONE;
import static io.switchboard.server.node.Outcomes.asCompletion;
import static io.switchboard.server.node.Outcomes.failed;
import static io.switchboard.server.node.Outcomes.fields;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.Command;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameTemplate;
import io.switchboard.protocol.Names;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.auth.AuthenticationException;
import io.switchboard.server.auth.Authenticator;
import io.switchboard.server.auth.Identity;
import io.switchboard.server.auth.RoomAccess;
import io.switchboard.server.broker.Broker;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.history.HistoryPage;
import io.switchboard.server.history.HistoryRead;
import io.switchboard.server.history.HistoryStore;
import io.switchboard.server.history.Publication;
import io.switchboard.server.history.StreamKey;
import io.switchboard.server.hub.Hub;
import io.switchboard.server.metrics.NodeMetrics;
import io.switchboard.server.presence.Member;
import io.switchboard.server.presence.PresenceStore;
import io.switchboard.server.session.Reply;
import io.switchboard.server.session.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * What a session's commands do: rooms (join with recovery, leave, publish, presence, history),
 * direct messages, token refresh; and the publications and history reads of the server API.
 * Publications go to the broker only; what reaches clients comes back through the hub.
 */
final class RoomCommands {
    private final ServerConfig config;
    private final Hub hub;
    private final Broker broker;
    private final PresenceStore presence;
    private final HistoryStore history;
    private final Authenticator authenticator;
    private final RoomAccess access;
    private final PresenceAnnouncer announcer;
    private final NodeMetrics metrics;
    private final RateMeter publications;
    private final LongSupplier clock;

    RoomCommands(ServerConfig config, Hub hub, Broker broker, PresenceStore presence, HistoryStore history,
                 Authenticator authenticator, RoomAccess access, PresenceAnnouncer announcer, NodeMetrics metrics,
                 RateMeter publications, LongSupplier clock) {
        this.config = config;
        this.hub = hub;
        this.broker = broker;
        this.presence = presence;
        this.history = history;
        this.authenticator = authenticator;
        this.access = access;
        this.announcer = announcer;
        this.metrics = metrics;
        this.publications = publications;
        this.clock = clock;
    }

    /** Serves one command of a session, on its loop; the reply completes when it is done. */
    CompletionStage<Reply> serve(Session session, Command command) {
        if (command instanceof Command.RoomMessage message) {
            return publish(session, message);
        } else if (command instanceof Command.DirectMessage message) {
            return directMessage(session, message);
        } else if (command instanceof Command.JoinRoom join) {
            return join(session, join);
        } else if (command instanceof Command.LeaveRoom leave) {
            return leave(session, leave.room()).thenApply(v -> Reply.ack(fields().put("room", leave.room())));
        } else if (command instanceof Command.Presence asked) {
            return presence(session, asked.room());
        } else if (command instanceof Command.History asked) {
            return roomHistory(session, asked);
        } else if (command instanceof Command.DirectHistory asked) {
            return directHistory(session, asked);
        } else if (command instanceof Command.Ping) {
            return CompletableFuture.completedFuture(Reply.pong());
        } else if (command instanceof Command.Refresh refresh) {
            return refresh(session, refresh);
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
        if (session.rooms().size() >= config.connections().maxRoomsPerConnection()) {
            return failed(ErrorCode.LIMIT_EXCEEDED,
                    "a connection may be in at most " + config.connections().maxRoomsPerConnection() + " rooms");
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
                .thenCompose(v -> announcer.membership(session, room, true));
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
        return roomHistory(room, command.since(), command.limit(), command.reverse())
                .thenApply(read -> Reply.ack(read.writeTo(fields().put("room", room))));
    }

    /** A room's kept publications, for a session or the server API (see {@link #readHistory}). */
    CompletionStage<HistoryRead> roomHistory(String room, StreamPosition since, int limit, boolean reverse) {
        return readHistory(StreamKey.room(room), since, limit, reverse);
    }

    private CompletionStage<Reply> directHistory(Session session, Command.DirectHistory command) {
        return readHistory(StreamKey.user(session.userId()), command.since(), command.limit(), command.reverse())
                .thenApply(read -> Reply.ack(read.writeTo(fields())));
    }

    /**
     * The kept publications after {@code since} (all kept ones when it is missing or of another
     * epoch), with the stream's position; {@code recovered} says whether they continue
     * {@code since} without a gap. The newest ones, newest first, when {@code reverse}.
     */
    private CompletionStage<HistoryRead> readHistory(StreamKey stream, StreamPosition since, int limit, boolean reverse) {
        return broker.position(stream)
                .thenCompose(position -> history.read(stream,
                        since != null && since.epoch().equals(position.epoch()) ? since.offset() : 0, limit, reverse))
                .thenApply(page -> new HistoryRead(page.publications(), page.position(),
                        since == null ? null : page.continues(since)));
    }

    private static List<byte[]> frames(HistoryPage page) {
        List<byte[]> frames = new ArrayList<>(page.publications().size());
        for (Publication publication : page.publications()) {
            frames.add(publication.frame());
        }
        return frames;
    }

    /** Takes the session out of the room; emits {@code leave} when it was the user's last connection there. */
    CompletionStage<Void> leave(Session session, String room) {
        if (!session.rooms().remove(room)) {
            return DONE;
        }
        hub.removeMember(room, session);
        session.removeGate(room);
        broker.unsubscribeRoom(room);
        return announcer.membership(session, room, false);
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
     * Publishes {@code content} (a JSON text) to a room as {@code from} ({@code null} for the server
     * API), with no membership check: the caller has made it. A retry with the same
     * {@code idempotencyKey} ({@code null}: none) within {@link Broker#IDEMPOTENCY_WINDOW} is
     * answered with the first one's position and not published again.
     */
    CompletionStage<StreamPosition> publishToRoom(String room, String from, String content,
                                                         String idempotencyKey) {
        if (Names.PRESENCE_ROOM.equals(room)) {
            return failed(ErrorCode.FORBIDDEN, "room 'presence' is reserved for online/offline events");
        }
        publications.increment();
        metrics.published(true);
        FrameTemplate frame = FrameTemplate.message(room, from, content, clock.getAsLong());
        return broker.publish(StreamKey.room(room), frame, config.history().forRoom(room), idempotencyKey);
    }

    /** Sends {@code content} to every connection of {@code to} as {@code from}, at most once per {@code idempotencyKey} (see {@link #publishToRoom}). */
    CompletionStage<StreamPosition> sendDirect(String to, String from, String content, String idempotencyKey) {
        publications.increment();
        metrics.published(false);
        FrameTemplate frame = FrameTemplate.directMessage(from, to, content, clock.getAsLong());
        return broker.publish(StreamKey.user(to), frame, config.history().direct(), idempotencyKey);
    }

    private CompletionStage<Reply> presence(Session session, String room) {
        String denied = access.presenceDenied(session.identity(), room);
        if (denied != null) {
            return failed(ErrorCode.FORBIDDEN, denied);
        }
        return members(room).thenApply(list -> {
            ArrayNode array = JsonNodeFactory.instance.arrayNode(list.size());
            for (Member member : list) {
                array.addObject().put("user_id", member.userId()).put("connections", member.connections());
            }
            ObjectNode ack = fields().put("room", room);
            ack.set("members", array);
            return Reply.ack(ack);
        });
    }

    /** Members of a room, cluster-wide; of the room {@code presence}, everyone online. */
    CompletionStage<List<Member>> members(String room) {
        return Names.PRESENCE_ROOM.equals(room) ? presence.online() : presence.members(room);
    }
}
