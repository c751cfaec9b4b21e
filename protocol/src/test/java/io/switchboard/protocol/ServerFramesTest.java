package io.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServerFramesTest {
    private static final long T = 1_795_849_374_123L;

    @Test
    void messageFramesHaveTheOriginalFieldsInOrder() throws Exception {
        String json = text(ServerFrames.message("lobby", "alice", "{\"text\":\"hi\"}", T, 7));
        assertThat(json).isEqualTo("{\"type\":\"message\",\"room\":\"lobby\",\"from\":\"alice\","
                + "\"content\":{\"text\":\"hi\"},\"timestamp\":\"" + Timestamps.format(T) + "\",\"offset\":7}");
    }

    @Test
    void aMessageTemplateFinishedWithAnOffsetEqualsTheWholeFrame() {
        FrameTemplate template = FrameTemplate.message("r", null, "[1]", T);
        for (long offset : new long[] {0, 1, 9, 10, 12345, Long.MAX_VALUE}) {
            assertThat(text(template.withOffset(offset)))
                    .isEqualTo(text(ServerFrames.message("r", null, "[1]", T, offset)));
        }
        assertThat(text(FrameTemplate.fromHead(template.head()).withOffset(3)))
                .isEqualTo(text(template.withOffset(3)));
        assertThat(text(FrameTemplate.directMessage("a", "b", "1", T).withOffset(12)))
                .isEqualTo(text(ServerFrames.directMessage("a", "b", "1", T, 12)));
    }

    @Test
    void readsTheOffsetThatEndsAFinishedFrameAndNothingElse() {
        FrameTemplate template = FrameTemplate.message("r", "a", "{\"offset\":5}", T);
        for (long offset : new long[] {0, 7, 1234567890123L}) {
            assertThat(FrameTemplate.offsetOf(template.withOffset(offset))).isEqualTo(offset);
        }
        assertThat(FrameTemplate.offsetOf(ServerFrames.membership("r", "a", true))).isEqualTo(-1);
        assertThat(FrameTemplate.offsetOf(ServerFrames.presence("a", true, T))).isEqualTo(-1);
        assertThat(FrameTemplate.offsetOf("{\"x\":3}".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(-1);
        assertThat(FrameTemplate.offsetOf(new byte[0])).isEqualTo(-1);
    }

    @Test
    void escapesNamesAndKeepsNullSenders() throws Exception {
        JsonNode frame = Json.mapper().readTree(ServerFrames.directMessage(null, "b\"o\\b", "1", T, 1));
        assertThat(frame.get("from").isNull()).isTrue();
        assertThat(frame.get("to").asText()).isEqualTo("b\"o\\b");
    }

    @Test
    void acksCarryTheIdAsSentAndTheFields() {
        var fields = JsonNodeFactory.instance.objectNode().put("room", "r").put("offset", 3);
        assertThat(text(ServerFrames.ack(new TextNode("x"), fields)))
                .isEqualTo("{\"type\":\"ack\",\"id\":\"x\",\"room\":\"r\",\"offset\":3}");
        assertThat(text(ServerFrames.ack(JsonNodeFactory.instance.numberNode(5L), null)))
                .isEqualTo("{\"type\":\"ack\",\"id\":5}");
    }

    @Test
    void errorsAndPongsOmitAMissingId() {
        assertThat(text(ServerFrames.error(null, ErrorCode.FORBIDDEN, "no")))
                .isEqualTo("{\"type\":\"error\",\"code\":\"forbidden\",\"message\":\"no\"}");
        assertThat(text(ServerFrames.pong(null))).isEqualTo("{\"type\":\"pong\"}");
    }

    @Test
    void presenceMembershipConnectedAndDisconnect() {
        assertThat(text(ServerFrames.presence("a", false, T)))
                .isEqualTo("{\"type\":\"presence\",\"user_id\":\"a\",\"status\":\"offline\",\"timestamp\":\""
                        + Timestamps.format(T) + "\"}");
        assertThat(text(ServerFrames.membership("r", "a", true)))
                .isEqualTo("{\"type\":\"join\",\"room\":\"r\",\"user_id\":\"a\"}");
        assertThat(text(ServerFrames.connected("a", "c1", "n1", new StreamPosition(4, "e"))))
                .isEqualTo("{\"type\":\"connected\",\"user_id\":\"a\",\"connection_id\":\"c1\",\"node\":\"n1\","
                        + "\"direct\":{\"offset\":4,\"epoch\":\"e\"}}");
        assertThat(text(ServerFrames.disconnect(4008, "slow consumer", true)))
                .isEqualTo("{\"type\":\"disconnect\",\"code\":4008,\"reason\":\"slow consumer\",\"reconnect\":true}");
    }

    @Test
    void timestampsAreIsoUtcWithMilliseconds() {
        assertThat(Timestamps.format(0)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(Timestamps.format(1_764_399_774_123L)).isEqualTo("2025-11-29T07:02:54.123Z");
        assertThat(Timestamps.parse(Timestamps.format(T))).isEqualTo(T);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
