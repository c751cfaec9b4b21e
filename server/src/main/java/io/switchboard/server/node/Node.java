package io.switchboard.server.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.protocol.Command;
import io.switchboard.protocol.CommandDecoder;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.server.auth.Authenticator;
import io.switchboard.server.auth.Identity;
import io.switchboard.server.auth.InsecureAuthenticator;
import io.switchboard.server.auth.RoomAccess;
import io.switchboard.server.broker.Broker;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.history.HistoryRead;
import io.switchboard.server.history.HistoryStore;
import io.switchboard.server.hub.Hub;
import io.switchboard.server.metrics.NodeMetrics;
import io.switchboard.server.presence.Member;
import io.switchboard.server.presence.PresenceChange;
import io.switchboard.server.presence.PresenceStore;
import io.switchboard.server.presence.RoomSummary;
import io.switchboard.server.session.CommandHandler;
import io.switchboard.server.session.Connection;
import io.switchboard.server.session.Reply;
import io.switchboard.server.session.Session;
import io.switchboard.server.session.SessionLimits;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A node's rules, as the transports and the server API see them: a facade over the parts that
 * hold them. {@link SessionAdmission} opens and ends sessions, {@link RoomCommands} serves their
 * commands and the API's publications and reads, {@link PresenceAnnouncer} tells the cluster
 * about presence, and {@link NodeStats} counts. Publications go to the broker only; what reaches
 * clients comes back through the hub. It never writes to a socket.
 */
public final class Node implements CommandHandler {
    private final ServerConfig config;
    private final Broker broker;
    private final PresenceStore presence;
    private final NodeMetrics metrics;
    private final PresenceAnnouncer announcer;
    private final RoomCommands rooms;
    private final SessionAdmission admission;
    private final NodeStats stats;

    /** A node that trusts the user id its transports give it (insecure mode). */
    public Node(ServerConfig config, Hub hub, Broker broker, PresenceStore presence, HistoryStore history,
                LongSupplier clock) {
        this(config, hub, broker, presence, history, new InsecureAuthenticator(), clock);
    }

    /** A node whose clients refresh their tokens through {@code authenticator}; {@code clock} gives epoch millis. */
    public Node(ServerConfig config, Hub hub, Broker broker, PresenceStore presence, HistoryStore history,
                Authenticator authenticator, LongSupplier clock) {
        this(config, hub, broker, presence, history, authenticator, NodeMetrics.nodeOnly(config.network().nodeId()), clock);
    }

    /** A node that counts what it does in {@code metrics}. */
    public Node(ServerConfig config, Hub hub, Broker broker, PresenceStore presence, HistoryStore history,
                Authenticator authenticator, NodeMetrics metrics, LongSupplier clock) {
        this.config = config;
        this.broker = broker;
        this.presence = presence;
        this.metrics = metrics;
        RoomAccess access = new RoomAccess(config.rooms());
        RateMeter publications = new RateMeter();
        this.announcer = new PresenceAnnouncer(config.network().nodeId(), broker, presence, access, clock);
        this.rooms = new RoomCommands(config, hub, broker, presence, history, authenticator, access, announcer, metrics,
                publications, clock);
        SessionLimits limits = new SessionLimits(config.connections().maxPendingCommands(), new CommandDecoder(config.connections().maxJsonDepth()),
                config.limits().commandsPerSecond(), config.limits().commandBurst());
        this.admission = new SessionAdmission(config, hub, broker, presence, announcer, rooms, metrics, limits, this, clock);
        this.stats = new NodeStats(config.network().nodeId(), hub, presence, metrics, publications, clock);
    }

    public String id() {
        return config.network().nodeId();
    }

    /** Opens a session for a user the transport vouches for (insecure mode); see {@link #open(Identity, Connection, JsonNode, Runnable)}. */
    public Session open(String userId, Connection connection) {
        return open(Identity.unverified(userId), connection, null, null);
    }

    /**
     * Opens a session for a client that proved to be {@code identity} on a new connection: it
     * sends {@code connected} and serves commands once the node receives the user's frames, and
     * closes with 1013 when the broker cannot subscribe, 4029 over the cluster's per-user limit
     * and 4001 when the identity expires unrefreshed. {@code connectId} is the id of the
     * {@code connect} command that brought the token, if any; {@code onEnd} runs when the session
     * ends, however it ends. Call on the connection's loop.
     */
    public Session open(Identity identity, Connection connection, JsonNode connectId, Runnable onEnd) {
        return admission.open(identity, connection, connectId, onEnd);
    }

    @Override
    public void closed(Session session) {
        admission.closed(session);
    }

    /** Members of a room, cluster-wide; of the room {@code presence}, everyone online. */
    public CompletionStage<List<Member>> members(String room) {
        return rooms.members(room);
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
    public void answerNodeRequests(Function<byte[], CompletionStage<byte[]>> answerer) {
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
    public CompletionStage<ClusterStats> stats() {
        return stats.stats();
    }

    /** This node's counts, as its heartbeat reports them to the cluster ({@link NodeStats#report()}). */
    public CompletionStage<NodeReport> report() {
        return stats.report();
    }

    @Override
    public CompletionStage<Reply> handle(Session session, Command command) {
        return rooms.serve(session, command).whenComplete((reply, failure) -> metrics.command(command.type(), result(failure)));
    }

    /** {@code ok}, or the error code a command failed with, as counted in the metrics. */
    private static String result(Throwable failure) {
        if (failure == null) {
            return "ok";
        }
        Throwable cause = Outcomes.cause(failure);
        return cause instanceof FrameException frame ? frame.code().wireName() : ErrorCode.INTERNAL.wireName();
    }

    @Override
    public void refused(String type, ErrorCode code) {
        metrics.command(type, code.wireName());
    }

    /** Emits a presence change decided by the store to the cluster (see {@link PresenceAnnouncer}). */
    public CompletionStage<Void> announce(PresenceChange change) {
        return announcer.announce(change);
    }

    /**
     * Makes the presence store hold exactly this node's connections again, after it was
     * unreachable, and emits the events of whatever that changed.
     */
    public CompletionStage<Void> resync() {
        return announcer.resync();
    }

    /**
     * Removes the presence of a node that stopped and announces the changes as the store makes
     * them; answers how many there were.
     */
    public CompletionStage<Integer> reap(String deadNode) {
        return announcer.reap(deadNode);
    }

    /** Removes everything this node registered in the presence store and emits the events. */
    public CompletionStage<Void> departCluster() {
        return announcer.departCluster();
    }

    /**
     * A room's kept publications for the server API: those after {@code since} (all kept ones
     * when it is missing or of another epoch), at most {@code limit} (0: all), the newest first
     * when {@code reverse}; with whether they continue {@code since} without a gap.
     */
    public CompletionStage<HistoryRead> roomHistory(String room, StreamPosition since, int limit, boolean reverse) {
        return rooms.roomHistory(room, since, limit, reverse);
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
        return rooms.publishToRoom(room, from, content, idempotencyKey);
    }

    /** Sends {@code content} (a JSON text) to every connection of {@code to} as {@code from}. */
    public CompletionStage<StreamPosition> sendDirect(String to, String from, String content) {
        return sendDirect(to, from, content, null);
    }

    /** Like {@link #sendDirect(String, String, String)}, at most once per {@code idempotencyKey} (see {@link #publishToRoom}). */
    public CompletionStage<StreamPosition> sendDirect(String to, String from, String content, String idempotencyKey) {
        return rooms.sendDirect(to, from, content, idempotencyKey);
    }
}
