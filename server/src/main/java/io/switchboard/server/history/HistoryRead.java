package io.switchboard.server.history;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.StreamPosition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The answer to a history read: the publications read (in the order asked), where the stream
 * stood, and, for a read after a position, whether they continue it without a gap
 * ({@code null}: no position was given). Each transport renders it in its own format.
 */
public record HistoryRead(List<Publication> publications, StreamPosition position, Boolean recovered) {
    public HistoryRead {
        publications = List.copyOf(publications);
    }

    /**
     * Adds the JSON form to {@code fields}: {@code publications} (the stored frames),
     * {@code offset}, {@code epoch}, and {@code recovered} when known.
     */
    public ObjectNode writeTo(ObjectNode fields) {
        ArrayNode frames = fields.putArray("publications");
        for (Publication publication : publications) {
            try {
                frames.add(Json.mapper().readTree(publication.frame()));
            } catch (IOException e) {
                throw new UncheckedIOException("a stored frame is not JSON", e);
            }
        }
        fields.put("offset", position.offset()).put("epoch", position.epoch());
        if (recovered != null) {
            fields.put("recovered", recovered);
        }
        return fields;
    }
}
