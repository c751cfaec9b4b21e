package io.switchboard.server.node;

import java.util.List;

/**
 * The server API's stats: counts of the whole cluster from the presence store, this node's own
 * report, and the last report of every node.
 *
 * @param nodes the ids of the live nodes, sorted
 * @param connections open connections in the cluster
 * @param users users online in the cluster
 * @param rooms rooms with a member in the cluster
 * @param node this node's live report, with its publication rate
 * @param cluster every live node's last report (this node's live), in the order of {@code nodes}
 */
public record ClusterStats(List<String> nodes, int connections, int users, int rooms, NodeReport node,
                           List<NodeReport> cluster) {
    public ClusterStats {
        nodes = List.copyOf(nodes);
        cluster = List.copyOf(cluster);
    }
}
