package io.switchboard.server.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.Json;
import io.switchboard.server.hub.Hub;
import io.switchboard.server.metrics.NodeMetrics;
import io.switchboard.server.presence.Member;
import io.switchboard.server.presence.PresenceStore;
import io.switchboard.server.presence.RoomSummary;
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
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

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
    CompletionStage<ObjectNode> stats() {
        CompletionStage<List<Member>> online = presence.online();
        CompletionStage<List<RoomSummary>> rooms = presence.rooms();
        CompletionStage<Map<String, String>> reports = presence.reports();
        CompletionStage<ObjectNode> local = report();
        return online.thenCompose(o -> rooms.thenCompose(r -> reports.thenCompose(
                others -> local.thenApply(own -> {
            ObjectNode stats = JSON.objectNode();
            // A store of one node lists none, and this node is up whatever the store says.
            SortedSet<String> ids = new TreeSet<>(others.keySet());
            ids.add(nodeId);
            ArrayNode idArray = stats.putArray("nodes");
            ids.forEach(idArray::add);
            stats.put("connections", o.stream().mapToInt(Member::connections).sum());
            stats.put("users", o.size());
            stats.put("rooms", r.size());
            stats.set("node", own.deepCopy().put("publications_per_second", publications.perSecond()));
            ArrayNode cluster = stats.putArray("cluster");
            for (String id : ids) {
                cluster.add(id.equals(nodeId) ? own : reportOf(id, others.get(id)));
            }
            return stats;
        }))));
    }

    /**
     * This node's counts, as its heartbeat reports them to the cluster: connections (by
     * transport), local rooms and users, and the totals since it started ({@code started}) of
     * messages published to rooms, direct messages and deliveries, taken at {@code at} (both
     * epoch millis).
     */
    CompletionStage<ObjectNode> report() {
        return hub.stats().thenApply(h -> {
            ObjectNode report = JSON.objectNode().put("id", nodeId).put("started", startedAt).put("at", clock.getAsLong())
                    .put("connections", h.sessions()).put("users", h.users()).put("rooms", h.rooms());
            ObjectNode transports = report.putObject("transports");
            metrics.connectionsByTransport().forEach(transports::put);
            report.put("publications", metrics.roomPublications())
                    .put("direct_messages", metrics.directPublications())
                    .put("deliveries", metrics.deliveries());
            return report;
        });
    }

    /** Just this node's id: the report sent when the counts cannot be taken in time. */
    ObjectNode reportWithoutCounts() {
        return JSON.objectNode().put("id", nodeId);
    }

    /** Another node's last report, or just its id when it has none (or an unreadable one). */
    private static ObjectNode reportOf(String nodeId, String report) {
        if (report != null) {
            try {
                JsonNode parsed = Json.mapper().readTree(report);
                if (parsed instanceof ObjectNode && nodeId.equals(parsed.path("id").asText())) {
                    return (ObjectNode) parsed;
                }
            } catch (JsonProcessingException e) {
                log.warn("node {} reported {} unreadable bytes: {}", nodeId, report.length(), e.getOriginalMessage());
            }
        }
        return JSON.objectNode().put("id", nodeId);
    }
}
