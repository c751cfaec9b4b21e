package io.switchboard.server.node;

import static io.switchboard.server.node.Outcomes.DONE;
import static io.switchboard.server.node.Outcomes.cause;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.auth.Identity;
import io.switchboard.server.broker.Broker;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.history.StreamKey;
import io.switchboard.server.hub.Hub;
import io.switchboard.server.ids.NodeIds;
import io.switchboard.server.metrics.NodeMetrics;
import io.switchboard.server.presence.PresenceChange;
import io.switchboard.server.presence.PresenceStore;
import io.switchboard.server.session.CommandHandler;
import io.switchboard.server.session.Connection;
import io.switchboard.server.session.Session;
import io.switchboard.server.session.SessionLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's life on this node: opening it (the user's frames subscribed, counted in the
 * cluster's presence under the per-user limit, {@code connected} sent, indexed in the hub),
 * closing it when its token expires, and undoing all of it when it ends.
 */
final class SessionAdmission {
    private static final Logger log = LoggerFactory.getLogger(SessionAdmission.class);

    private final ServerConfig config;
    private final Hub hub;
    private final Broker broker;
    private final PresenceStore presence;
    private final PresenceAnnouncer announcer;
    private final RoomCommands rooms;
    private final NodeMetrics metrics;
    private final SessionLimits sessionLimits;
    private final CommandHandler handler;
    private final LongSupplier clock;

    SessionAdmission(ServerConfig config, Hub hub, Broker broker, PresenceStore presence, PresenceAnnouncer announcer,
                     RoomCommands rooms, NodeMetrics metrics, SessionLimits sessionLimits, CommandHandler handler,
                     LongSupplier clock) {
        this.config = config;
        this.hub = hub;
        this.broker = broker;
        this.presence = presence;
        this.announcer = announcer;
        this.rooms = rooms;
        this.metrics = metrics;
        this.sessionLimits = sessionLimits;
        this.handler = handler;
        this.clock = clock;
    }

    /**
     * Opens a session for a client that proved to be {@code identity} on a new connection. Once
     * this node receives the user's frames (the broker subscribed), the session sends
     * {@code connected}, is indexed and starts serving commands; a user's first connection
     * anywhere emits {@code online}. When the broker cannot subscribe, the connection is closed
     * with 1013 (try again later). Call on the connection's loop. The session closes with 4001
     * when the identity expires, unless it is refreshed.
     * {@code connectId} is the id of the {@code connect} command that brought the token, if any;
     * {@code onEnd} runs when the session ends, however it ends.
     */
    Session open(Identity identity, Connection connection, JsonNode connectId, Runnable onEnd) {
        String userId = identity.userId();
        Session session = new Session(NodeIds.token(16), identity, connection, handler, sessionLimits);
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
        announcer.live(session);
        return presence.connect(session.userId(), session.id(), config.limits().maxConnectionsPerUser()).handle((count, failure) -> {
            logFailure(failure, session, "presence on connect");
            if (failure == null && count == PresenceStore.REFUSED) {
                // Not live from now on, so that a resync registering it meanwhile removes it again.
                announcer.gone(session);
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
                announcer.gone(session);
                if (failure == null && !overLimit) {
                    uncount(session, admission);
                }
            }
            if (failure != null) {
                log.warn("{}: cannot subscribe to the user's frames, refusing: {}", session, failure.toString());
                session.close(CloseCodes.TRY_AGAIN_LATER, "message broker unavailable", true);
            } else if (overLimit && !session.isEnded()) {
                int limit = config.limits().maxConnectionsPerUser();
                log.debug("{}: over the cluster's limit of {} connections per user", session, limit);
                session.close(CloseCodes.RATE_LIMITED, "too many connections for user " + userId
                        + ": at most " + limit + " across the cluster", false);
            }
            return;
        }
        session.send(ServerFrames.connected(connectId, userId, session.id(), config.network().nodeId(),
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
            announcer.announce(PresenceChange.online(userId, true))
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
                        : first && !last ? announcer.announce(PresenceChange.online(userId, true))
                        : !first && last ? announcer.announce(PresenceChange.online(userId, false)) : DONE)
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
        Instant deadline = expires.plus(config.security().jwt().leeway());
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

    void closed(Session session) {
        if (session.closeCode() > 0) {
            metrics.disconnected(session.closeCode());
        }
        for (String room : List.copyOf(session.rooms())) {
            rooms.leave(session, room).whenComplete((v, e) -> logFailure(e, session, "leaving " + room + " on close"));
        }
        hub.unregister(session);
        metrics.connectionClosed(session.transport());
        if (session.identity().backend()) {
            log.debug("{} (backend) closed", session);
            return;
        }
        announcer.gone(session);
        broker.unsubscribeUser(session.userId());
        presence.disconnect(session.userId(), session.id())
                .thenCompose(last -> last ? announcer.announce(PresenceChange.online(session.userId(), false)) : DONE)
                .whenComplete((v, e) -> logFailure(e, session, "presence on close"));
        log.debug("{} closed", session);
    }

    /**
     * What opening a session learned: where the user's direct messages stand, and what the
     * presence store answered: the user's connections across the cluster with this one,
     * {@link PresenceStore#REFUSED} over the limit, or {@link #UNKNOWN} when it could not be asked.
     */
    private record Admission(StreamPosition direct, int connections) {
        static final int UNKNOWN = -2;
    }

    /** Logs a failed step of a session's life (nothing when {@code failure} is null); an unreachable store is a warning. */
    private static void logFailure(Throwable failure, Session session, String what) {
        if (failure == null) {
            return;
        }
        Throwable cause = cause(failure);
        if (cause instanceof FrameException frame && frame.code() == ErrorCode.UNAVAILABLE) {
            // The store is down; the node re-registers its connections when it is back.
            log.warn("{}: {} failed: {}", session, what, cause.getMessage());
        } else {
            log.error("{}: {} failed", session, what, failure);
        }
    }
}
