package io.switchboard.server.node;

import io.switchboard.protocol.Names;
import io.switchboard.protocol.ServerFrames;
import io.switchboard.server.auth.RoomAccess;
import io.switchboard.server.broker.Broker;
import io.switchboard.server.presence.LocalConnection;
import io.switchboard.server.presence.PresenceChange;
import io.switchboard.server.presence.PresenceStore;
import io.switchboard.server.session.Session;
import java.util.Collections;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Presence as the cluster sees it: announces the changes the presence store decides (online,
 * offline, join, leave), keeps the list of this node's counted connections that a resync
 * restores, and removes a stopped node's presence.
 */
final class PresenceAnnouncer {
    private static final CompletableFuture<Void> DONE = Outcomes.DONE;

    private final String nodeId;
    private final Broker broker;
    private final PresenceStore presence;
    private final RoomAccess access;
    private final LongSupplier clock;
    /**
     * This node's sessions counted in the presence store, from before they are counted until they
     * end, by id, each with the rooms whose membership the store records (added before the store
     * is asked to record one, removed before it is asked to forget it): what a resync keeps.
     */
    private final Map<String, LocalConnection> counted = new ConcurrentHashMap<>();

    PresenceAnnouncer(String nodeId, Broker broker, PresenceStore presence, RoomAccess access, LongSupplier clock) {
        this.nodeId = nodeId;
        this.broker = broker;
        this.presence = presence;
        this.access = access;
        this.clock = clock;
    }

    /** Lists a session among this node's live connections, before the store is asked to count it. */
    void live(Session session) {
        counted.put(session.id(), new LocalConnection(session.userId(), session.id(), ConcurrentHashMap.newKeySet()));
    }

    /** Takes a session off the list of live connections (ended, or refused by the store). */
    void gone(Session session) {
        counted.remove(session.id());
    }

    /**
     * Emits the event of a presence change decided by the store, to the cluster; a room's
     * {@code join}/{@code leave} only where its policy announces them.
     */
    CompletionStage<Void> announce(PresenceChange change) {
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
    CompletionStage<Void> resync() {
        Announcements announced = new Announcements();
        return presence.resync(Collections.unmodifiableMap(counted), announced)
                .thenCompose(v -> announced.sent()).thenApply(n -> null);
    }

    /**
     * Removes the presence of a node that stopped (this one, when it leaves the cluster) and
     * announces the changes as the store makes them; answers how many there were.
     */
    CompletionStage<Integer> reap(String deadNode) {
        Announcements announced = new Announcements();
        return presence.reap(deadNode, announced).thenCompose(v -> announced.sent());
    }

    /** Announces presence changes as they are reported (on the store's thread, in its order). */
    private final class Announcements implements Consumer<PresenceChange> {
        private final Queue<CompletableFuture<Void>> sent = new ConcurrentLinkedQueue<>();

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

    /**
     * Records the session's joining (or leaving) {@code room} in the presence store, where the
     * room tracks its members and the session is a person's, and announces {@code join} for the
     * user's first connection there ({@code leave} for the last).
     */
    CompletionStage<Void> membership(Session session, String room, boolean joined) {
        if (!recordsMembership(session, room)) {
            return DONE;
        }
        tracking(session, room, joined);
        CompletionStage<Boolean> edge = joined
                ? presence.join(room, session.userId(), session.id())
                : presence.leave(room, session.userId(), session.id());
        return edge.thenCompose(changed -> changed
                ? announce(PresenceChange.membership(room, session.userId(), joined))
                : DONE);
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
    CompletionStage<Void> departCluster() {
        return reap(nodeId).thenApply(n -> null);
    }
}
