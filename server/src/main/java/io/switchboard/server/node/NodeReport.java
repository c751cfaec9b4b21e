package io.switchboard.server.node;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One node's counts, as its heartbeat reports them to the other nodes and the server API's
 * stats show them. A report made when the counts could not be taken in time, or one that could
 * not be read, holds the node's id alone; its other parts are {@code null} and not written.
 *
 * @param id the node
 * @param started when it started (epoch millis)
 * @param at when the counts were taken (epoch millis)
 * @param connections its open connections
 * @param users the users with a connection on it
 * @param rooms the rooms with a member on it
 * @param transports its open connections by transport
 * @param publications messages published to rooms since it started
 * @param directMessages direct messages since it started
 * @param deliveries frames written to its connections since it started
 * @param publicationsPerSecond publications per second lately (this node's own report only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeReport(String id, Long started, Long at, Integer connections, Integer users, Integer rooms,
                         Map<String, Integer> transports, Long publications,
                         @JsonProperty("direct_messages") Long directMessages, Long deliveries,
                         @JsonProperty("publications_per_second") Double publicationsPerSecond) {
    /** The report of a node whose counts are not known: its id alone. */
    public static NodeReport idOnly(String id) {
        return new NodeReport(id, null, null, null, null, null, null, null, null, null, null);
    }

    /** This report with the node's recent publication rate. */
    NodeReport withPublicationRate(double perSecond) {
        return new NodeReport(id, started, at, connections, users, rooms, transports, publications, directMessages,
                deliveries, perSecond);
    }
}
