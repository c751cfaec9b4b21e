package io.switchboard.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;

/**
 * Finds the {@code id} of a frame that was refused as a whole (nested too deep, a number too
 * long), so that its error still names the command. Only tokenizes, converting no number and
 * building no tree, so a frame's limits cost nothing here; the frame size bounds the work.
 */
final class FrameIds {
    private static final JsonFactory LENIENT = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private FrameIds() {
    }

    /** The frame's top-level {@code id} when it is a valid one (see {@link CommandFields#isValidId}), else {@code null}. */
    static JsonNode scan(byte[] utf8) {
        try (JsonParser parser = LENIENT.createParser(utf8)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("id".equals(field)) {
                    return validId(parser, value);
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            // Malformed before an id came: the frame has no readable id, and its error says why it is refused.
            return null;
        }
    }

    private static JsonNode validId(JsonParser parser, JsonToken value) throws IOException {
        JsonNode id = null;
        if (value == JsonToken.VALUE_STRING) {
            id = JsonNodeFactory.instance.textNode(parser.getText());
        } else if (value == JsonToken.VALUE_NUMBER_INT && parser.getTextLength() <= 17) {
            id = JsonNodeFactory.instance.numberNode(parser.getLongValue());
        }
        return id != null && CommandFields.isValidId(id) ? id : null;
    }
}
