package io.switchboard.server.presence;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Who is connected and who is in which room, across the cluster. Each change answers whether it
 * was a user's first or last connection, which is when online/offline and join/leave are emitted.
 */
public interface PresenceStore extends AutoCloseable {
    /**
     * Records a connection unless the user has {@code limit} already, cluster-wide ({@code 0}: no
     * limit), in one atomic step; answers how many the user has with it (1: the first), 0 when
     * this connection was recorded already, or {@link #REFUSED} when nothing was recorded.
     */
    CompletionStage<Integer> connect(String user, String connectionId, int limit);

    /** What {@link #connect} answers for a connection over the user's limit. */
    int REFUSED = -1;

    /** Forgets a connection; {@code true} when it was the user's last. */
    CompletionStage<Boolean> disconnect(String user, String connectionId);

    /** Records a connection in a room; {@code true} when it is the user's first there. */
    CompletionStage<Boolean> join(String room, String user, String connectionId);

    /** Removes a connection from a room; {@code true} when it was the user's last there. */
    CompletionStage<Boolean> leave(String room, String user, String connectionId);

    /** Members of a room with their connection counts, ordered by user id. */
    CompletionStage<List<Member>> members(String room);

    /** Every connected user with their connection counts, ordered by user id. */
    CompletionStage<List<Member>> online();

    /** Every room with at least one member, ordered by name. */
    CompletionStage<List<RoomSummary>> rooms();

    /** How many connections {@code user} has, cluster-wide (0: offline). */
    CompletionStage<Integer> connections(String user);

    /**
     * Tells the store this node is alive, with its {@code report} (a JSON object of its counts,
     * kept as long as the heartbeat); answers whether the store still had it registered and
     * which other nodes have stopped saying so. A store of one node (memory) has none.
     */
    default CompletionStage<Heartbeat> heartbeat(String report) {
        return CompletableFuture.completedFuture(Heartbeat.ALONE);
    }

    /**
     * Every node registered in the cluster, by id in order, with its last report (null when it
     * has none: it stopped beating and is not reaped yet); a store of one node knows none.
     */
    default CompletionStage<Map<String, String>> reports() {
        return CompletableFuture.completedFuture(Map.of());
    }

    /**
     * Removes every connection a dead node had registered, reporting to {@code changed} each
     * change this makes (users gone offline, rooms left) as the store makes it, for the node to
     * announce. Safe to run from several nodes at once: each change is made, and reported, once.
     */
    default CompletionStage<Void> reap(String deadNode, Consumer<PresenceChange> changed) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Makes the store hold exactly this node's live connections and memberships again
     * (after the store was unreachable or lost its data), reporting to {@code changed} each
     * change this makes as the store makes it (so that its events go out in the same order as
     * those of the node's sessions). {@code live} holds the node's connections by id with the
     * rooms whose membership the store records, and changes while the resync runs: what the
     * store holds is kept if it is live when looked at, and what the resync registers is removed
     * again if it ended meanwhile.
     */
    default CompletionStage<Void> resync(Map<String, LocalConnection> live, Consumer<PresenceChange> changed) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    void close();
}
