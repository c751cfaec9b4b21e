package io.switchboard.server.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.switchboard.protocol.Json;
import io.switchboard.server.hub.Hub;
import io.switchboard.server.metrics.NodeMetrics;
import io.switchboard.server.presence.Member;
import io.switchboard.server.presence.PresenceStore;
import io.switchboard.server.presence.RoomSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's counts: its own report, as its heartbeat sends it, and the cluster's stats. */
final class NodeStats {
    private static final Logger log = LoggerFactory.getLogger(NodeStats.class);

    private final String nodeId;
    private final Hub hub;
    private final PresenceStore presence;
    private final NodeMetrics metrics;
    private final RateMeter publications;
    private final LongSupplier clock;
    private final long startedAt;

    NodeStats(String nodeId, Hub hub, PresenceStore presence, NodeMetrics metrics, RateMeter publications,
              LongSupplier clock) {
        this.nodeId = nodeId;
        this.hub = hub;
        this.presence = presence;
        this.metrics = metrics;
        this.publications = publications;
        this.clock = clock;
        this.startedAt = clock.getAsLong();
    }

    /**
     * Counts for the server API's stats: cluster-wide from the presence store, this node's own
     * ({@code node}), and the last report of every node ({@code cluster}, this node's live).
     */
    CompletionStage<ClusterStats> stats() {
        CompletionStage<List<Member>> online = presence.online();
        CompletionStage<List<RoomSummary>> rooms = presence.rooms();
        CompletionStage<Map<String, String>> reports = presence.reports();
        CompletionStage<NodeReport> local = report();
        return online.thenCompose(o -> rooms.thenCompose(r -> reports.thenCompose(
                others -> local.thenApply(own -> {
            // A store of one node lists none, and this node is up whatever the store says.
            SortedSet<String> ids = new TreeSet<>(others.keySet());
            ids.add(nodeId);
            List<NodeReport> cluster = new ArrayList<>();
            for (String id : ids) {
                cluster.add(id.equals(nodeId) ? own : reportOf(id, others.get(id)));
            }
            return new ClusterStats(List.copyOf(ids), o.stream().mapToInt(Member::connections).sum(), o.size(),
                    r.size(), own.withPublicationRate(publications.perSecond()), cluster);
        }))));
    }

    /**
     * This node's counts, as its heartbeat reports them to the cluster: connections (by
     * transport), local rooms and users, and the totals since it started ({@code started}) of
     * messages published to rooms, direct messages and deliveries, taken at {@code at} (both
     * epoch millis).
     */
    CompletionStage<NodeReport> report() {
        return hub.stats().thenApply(h -> new NodeReport(nodeId, startedAt, clock.getAsLong(), h.sessions(), h.users(),
                h.rooms(), metrics.connectionsByTransport(), metrics.roomPublications(), metrics.directPublications(),
                metrics.deliveries(), null));
    }

    /** Another node's last report, or just its id when it has none (or an unreadable one). */
    private static NodeReport reportOf(String nodeId, String report) {
        if (report != null) {
            try {
                NodeReport parsed = Json.mapper().readValue(report, NodeReport.class);
                if (nodeId.equals(parsed.id())) {
                    return parsed;
                }
            } catch (JsonProcessingException e) {
                log.warn("node {} reported {} unreadable bytes: {}", nodeId, report.length(), e.getOriginalMessage());
            }
        }
        return NodeReport.idOnly(nodeId);
    }
}
