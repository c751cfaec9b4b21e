package io.switchboard.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes the frames a server sends (PROTOCOL.md §1, server to client) as UTF-8 JSON. Each push
 * frame is encoded once per publication and shared by every recipient.
 */
public final class ServerFrames {
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private ServerFrames() {
    }

    /**
     * {@code connected}: the first frame of every connection. {@code direct} is where the user's
     * stream of direct messages stood when the connection opened (its messages after that offset
     * arrive live); a client that reconnects asks {@code direct_history} from its last one.
     */
    public static byte[] connected(String userId, String connectionId, String node, StreamPosition direct) {
        return connected(userId, connectionId, node, direct, null, null);
    }

    /**
     * {@code connected} of an SSE or long-polling session: {@code session} is its id, and
     * {@code resumed} is {@code false} when the client asked to resume a session that is gone.
     */
    public static byte[] connected(String userId, String connectionId, String node, StreamPosition direct,
                                   String session, Boolean resumed) {
        return connected(null, userId, connectionId, node, direct, session, resumed);
    }

    /** {@code connected} answering a {@code connect} command with {@code id} (may be {@code null}). */
    public static byte[] connected(JsonNode id, String userId, String connectionId, String node, StreamPosition direct,
                                   String session, Boolean resumed) {
        return write(g -> {
            g.writeStringField("type", "connected");
            if (id != null) {
                g.writeFieldName("id");
                MAPPER.writeTree(g, id);
            }
            g.writeStringField("user_id", userId);
            g.writeStringField("connection_id", connectionId);
            g.writeStringField("node", node);
            g.writeObjectFieldStart("direct");
            g.writeNumberField("offset", direct.offset());
            g.writeStringField("epoch", direct.epoch());
            g.writeEndObject();
            if (session != null) {
                g.writeStringField("session", session);
            }
            if (resumed != null) {
                g.writeBooleanField("resumed", resumed);
            }
        });
    }

    /** {@code message}: a room message; {@code content} is a JSON text. */
    public static byte[] message(String room, String from, String content, long timestampMillis, long offset) {
        return write(g -> {
            g.writeStringField("type", "message");
            g.writeStringField("room", room);
            g.writeFieldName("from");
            writeNullableString(g, from);
            g.writeFieldName("content");
            g.writeRawValue(content);
            g.writeStringField("timestamp", Timestamps.format(timestampMillis));
            g.writeNumberField("offset", offset);
        });
    }

    /**
     * {@code direct_message}: a message to every connection of {@code to}; {@code offset} is its
     * place in the user's stream of direct messages (an addition to the original shape).
     */
    public static byte[] directMessage(String from, String to, String content, long timestampMillis, long offset) {
        return write(g -> {
            g.writeStringField("type", "direct_message");
            g.writeFieldName("from");
            writeNullableString(g, from);
            g.writeStringField("to", to);
            g.writeFieldName("content");
            g.writeRawValue(content);
            g.writeStringField("timestamp", Timestamps.format(timestampMillis));
            g.writeNumberField("offset", offset);
        });
    }

    /** {@code presence}: a user came online (first connection) or went offline (last one closed). */
    public static byte[] presence(String userId, boolean online, long timestampMillis) {
        return write(g -> {
            g.writeStringField("type", "presence");
            g.writeStringField("user_id", userId);
            g.writeStringField("status", online ? "online" : "offline");
            g.writeStringField("timestamp", Timestamps.format(timestampMillis));
        });
    }

    /** {@code join} or {@code leave}: a user's first connection joined, or last one left, a room. */
    public static byte[] membership(String room, String userId, boolean joined) {
        return write(g -> {
            g.writeStringField("type", joined ? "join" : "leave");
            g.writeStringField("room", room);
            g.writeStringField("user_id", userId);
        });
    }

    /** {@code ack} for command {@code id}, with the command's result fields (may be {@code null}). */
    public static byte[] ack(JsonNode id, ObjectNode fields) {
        return write(g -> {
            g.writeStringField("type", "ack");
            g.writeFieldName("id");
            MAPPER.writeTree(g, id);
            if (fields != null) {
                for (var field : fields.properties()) {
                    g.writeFieldName(field.getKey());
                    MAPPER.writeTree(g, field.getValue());
                }
            }
        });
    }

    /** {@code error}, answering command {@code id} when it is not {@code null}. */
    public static byte[] error(JsonNode id, ErrorCode code, String message) {
        return write(g -> {
            g.writeStringField("type", "error");
            if (id != null) {
                g.writeFieldName("id");
                MAPPER.writeTree(g, id);
            }
            g.writeStringField("code", code.wireName());
            g.writeStringField("message", message);
        });
    }

    /** {@code pong}, answering a {@code ping} (with its id when it had one). */
    public static byte[] pong(JsonNode id) {
        return write(g -> {
            g.writeStringField("type", "pong");
            if (id != null) {
                g.writeFieldName("id");
                MAPPER.writeTree(g, id);
            }
        });
    }

    /** {@code disconnect}: sent just before the server closes the connection on purpose. */
    public static byte[] disconnect(int code, String reason, boolean reconnect) {
        return write(g -> {
            g.writeStringField("type", "disconnect");
            g.writeNumberField("code", code);
            g.writeStringField("reason", reason);
            g.writeBooleanField("reconnect", reconnect);
        });
    }

    private static void writeNullableString(JsonGenerator g, String value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else {
            g.writeString(value);
        }
    }

    private interface Fields {
        void write(JsonGenerator generator) throws IOException;
    }

    private static byte[] write(Fields fields) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(256);
             JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
            g.flush();
            return out.toByteArray();
        } catch (IOException e) {
            // Writing to memory cannot fail for I/O reasons; this is a programming error.
            throw new UncheckedIOException(e);
        }
    }
}
