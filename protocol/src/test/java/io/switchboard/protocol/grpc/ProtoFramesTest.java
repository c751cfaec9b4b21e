package io.switchboard.protocol.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Server frames survive the trip to protobuf and back unchanged. */
class ProtoFramesTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "{\"type\":\"ack\",\"id\":\"r1\",\"expires_at\":1767225600,\"left_rooms\":[\"$staff:desk\",\"$staff:ops\"]}",
            "{\"type\":\"ack\",\"id\":7,\"expires_at\":1767225600,\"left_rooms\":[]}",
            "{\"type\":\"ack\",\"id\":2,\"room\":\"lobby\",\"offset\":12,\"epoch\":\"e1\",\"recovered\":true}",
    })
    void anAckKeepsEveryField(String json) throws Exception {
        ObjectNode frame = (ObjectNode) Json.mapper().readTree(json);
        assertThat(ProtoFrames.toJson(ProtoFrames.toProto(frame))).hasToString(json);
    }

    @Test
    void aNumberBeyondADoublesRangeTravelsAsItsExactTextNeverAsInfinity() throws Exception {
        var content = Json.mapper().readTree("[1e400,-1e400,2.5,42]");
        assertThat(JsonValues.toJson(JsonValues.toValue(content))).hasToString("[\"1E+400\",\"-1E+400\",2.5,42]");
    }
}
