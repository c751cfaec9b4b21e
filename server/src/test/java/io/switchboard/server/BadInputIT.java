package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.switchboard.client.Events;
import io.switchboard.client.HandshakeRejectedException;
import io.switchboard.client.SwitchboardException;
import io.switchboard.server.testing.RawWebSocket;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestClient;
import io.switchboard.server.testing.TestNode;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BadInputIT {
    private static final int MAX_FRAME = 64 * 1024;

    @RegisterExtension
    final TestNode node = new TestNode();

    @Test
    void aFrameOverTheLimitClosesTheConnectionWith1009() {
        TestClient alice = node.connect("alice");
        alice.client().sendRaw(roomMessageOfSize(MAX_FRAME + 1));

        Events.Closed closed = alice.client().closedFuture().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(closed.code()).isEqualTo(1009);
        assertThat(alice.recorder().disconnects()).extracting(Events.Disconnect::code).containsExactly(1009);
    }

    @Test
    void aFrameOfExactlyTheLimitIsServed() {
        TestClient alice = node.connect("alice");
        alice.client().join("lobby").join();
        String frame = roomMessageOfSize(MAX_FRAME);
        assertThat(frame.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(MAX_FRAME);
        alice.client().sendRaw(frame);
        alice.recorder().awaitMessages("lobby", 1);
        assertThat(alice.client().isOpen()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed JSON              | {\"type\":\"join_room\",                       | bad_request | malformed JSON",
        "not an object               | [1,2,3]                                        | bad_request | JSON object",
        "missing type                | {\"id\":1}                                     | bad_request | 'type'",
        "type not a string           | {\"type\":7,\"id\":1}                          | bad_request | 'type'",
        "missing room                | {\"type\":\"join_room\",\"id\":1}              | bad_request | 'room'",
        "room not a string           | {\"type\":\"join_room\",\"id\":1,\"room\":5}   | bad_request | 'room'",
        "room with a space           | {\"type\":\"join_room\",\"id\":1,\"room\":\"a b\"} | bad_request | room name",
        "empty room                  | {\"type\":\"join_room\",\"id\":1,\"room\":\"\"} | bad_request | room name",
        "missing content             | {\"type\":\"room_message\",\"id\":1,\"room\":\"r\"} | bad_request | 'content'",
        "missing recipient           | {\"type\":\"direct_message\",\"id\":1,\"content\":1} | bad_request | 'to'",
        "recipient not a string      | {\"type\":\"direct_message\",\"id\":1,\"to\":[],\"content\":1} | bad_request | 'to'",
        "empty recipient             | {\"type\":\"direct_message\",\"id\":1,\"to\":\"\",\"content\":1} | bad_request | user id",
        "control char in recipient   | {\"type\":\"direct_message\",\"id\":1,\"to\":\"a\\u0007b\",\"content\":1} | bad_request | user id",
        "since not an object         | {\"type\":\"join_room\",\"id\":1,\"room\":\"r\",\"since\":3} | bad_request | 'since'",
        "negative since offset       | {\"type\":\"join_room\",\"id\":1,\"room\":\"r\",\"since\":{\"offset\":-1,\"epoch\":\"e\"}} | bad_request | 'since.offset'",
        "unknown type                | {\"type\":\"teleport\",\"id\":1}               | unknown_type | teleport",
        "publish to presence         | {\"type\":\"room_message\",\"id\":1,\"room\":\"presence\",\"content\":1} | forbidden | reserved",
        "publish without joining     | {\"type\":\"room_message\",\"id\":1,\"room\":\"r\",\"content\":1} | forbidden | join",
    })
    void badFramesGetAnErrorWithTheRightCodeAndTheConnectionStaysUsable(
            String name, String frame, String code, String messagePart) {
        TestClient alice = node.connect("alice");
        alice.client().sendRaw(frame);
        JsonNode error = alice.recorder().awaitFrame(f -> f.path("type").asText().equals("error"));
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).contains(messagePart);
        assertStillUsable(alice);
    }

    @Test
    void errorsCarryTheCommandIdWhenItWasValid() {
        TestClient alice = node.connect("alice");
        alice.client().sendRaw("{\"type\":\"join_room\",\"id\":\"x-1\",\"room\":\"a b\"}");
        alice.client().sendRaw("{\"type\":\"join_room\",\"id\":{\"not\":\"an id\"},\"room\":\"r\"}");
        alice.client().sendRaw("{\"type\":\"join_room\",\"id\":1.5,\"room\":\"r\"}");
        alice.client().sendRaw("{\"type\":\"join_room\",\"id\":\"" + "x".repeat(65) + "\",\"room\":\"r\"}");
        alice.client().sendRaw("{\"type\":\"join_room\",\"id\":9007199254740992,\"room\":\"r\"}");
        List<JsonNode> errors = alice.recorder().awaitFrames("error", 5);
        assertThat(errors.get(0).path("id").asText()).isEqualTo("x-1");
        for (JsonNode error : errors.subList(1, 5)) {
            assertThat(error.has("id")).isFalse();
            assertThat(error.path("message").asText()).contains("'id'");
        }
        assertStillUsable(alice);
    }

    @Test
    void aTextFrameThatIsNotUtf8ClosesWith1007AfterADisconnect() {
        try (RawWebSocket ws = RawWebSocket.open(node.uri("/ws/mallory"))) {
            byte[] bad = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            ws.send(new TextWebSocketFrame(Unpooled.wrappedBuffer(bad)));
            assertThat(ws.closeCode().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(1007);
            assertThat(ws.texts()).last().asString().contains("\"type\":\"disconnect\",\"code\":1007");
        }
        // Split across fragments, the bad sequence is found too.
        try (RawWebSocket ws = RawWebSocket.open(node.uri("/ws/mallory"))) {
            ws.write(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(new byte[] {'"', (byte) 0xE2, (byte) 0x82})));
            ws.send(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(new byte[] {'x', '"'})));
            assertThat(ws.closeCode().orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(1007);
        }
        assertStillUsable(node.connect("alice"));
    }

    @Test
    void numbersInContentArriveExactly() {
        TestClient alice = node.connect("alice");
        alice.client().join("numbers").join();
        String content = "{\"big\":123456789012345678901234567890,\"pi\":3.14159265358979323846264338327950288,"
                + "\"huge\":1e400,\"price\":1.10}";
        alice.client().sendRaw("{\"type\":\"room_message\",\"id\":1,\"room\":\"numbers\",\"content\":" + content + "}");
        JsonNode message = alice.recorder().awaitFrame(f -> f.path("type").asText().equals("message"));
        assertThat(message.path("content")).hasToString("{\"big\":123456789012345678901234567890,"
                + "\"pi\":3.14159265358979323846264338327950288,\"huge\":1E+400,\"price\":1.10}");
    }

    @Test
    void aNumberLongerThan1000CharactersIsRefusedWithTheCommandsIdAndATrueMessage() {
        TestClient alice = node.connect("alice");
        alice.client().join("numbers").join();
        alice.client().sendRaw("{\"type\":\"room_message\",\"room\":\"numbers\",\"content\":" + "7".repeat(1001)
                + ",\"id\":\"long-1\"}");
        JsonNode error = alice.recorder().awaitFrame(f -> f.path("type").asText().equals("error"));
        assertThat(error.path("id").asText()).isEqualTo("long-1");
        assertThat(error.path("message").asText()).isEqualTo("a number longer than 1000 characters");
        assertStillUsable(alice);
    }

    @Test
    void jsonNestedDeeperThan32LevelsIsRefused() {
        TestClient alice = node.connect("alice");
        String deep = "[".repeat(40) + "]".repeat(40);
        alice.client().sendRaw("{\"type\":\"room_message\",\"id\":1,\"room\":\"r\",\"content\":" + deep + "}");
        JsonNode error = alice.recorder().awaitFrame(f -> f.path("type").asText().equals("error"));
        assertThat(error.path("code").asText()).isEqualTo("bad_request");
        assertThat(error.path("message").asText()).contains("nested deeper than 32");
        assertStillUsable(alice);
    }

    @Test
    void roomNamesLongerThan200CharactersAreRefused() {
        TestClient alice = node.connect("alice");
        assertThat(alice.client().join("r".repeat(200)).join().room()).hasSize(200);
        assertThatThrownBy(() -> alice.client().join("r".repeat(201)).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(SwitchboardException.class)
                .extracting(e -> ((SwitchboardException) e).code()).isEqualTo("bad_request");
    }

    @Test
    void the129thRoomGetsLimitExceeded() {
        TestClient alice = node.connect("alice");
        for (int i = 0; i < 128; i++) {
            alice.client().join("room-" + i);
        }
        assertThat(alice.client().join("room-127").join().room()).isEqualTo("room-127");
        assertThatThrownBy(() -> alice.client().join("room-128").join())
                .cause().isInstanceOf(SwitchboardException.class)
                .extracting(e -> ((SwitchboardException) e).code()).isEqualTo("limit_exceeded");
        alice.client().leave("room-0").join();
        assertThat(alice.client().join("room-128").join().room()).isEqualTo("room-128");
        assertThat(alice.recorder().frames("error")).hasSize(1);
    }

    @Test
    void handshakesWithABadUserIdAreRejectedWith400() {
        for (String path : List.of("/ws/a%01b", "/ws/" + "u".repeat(129))) {
            var client = io.switchboard.client.SwitchboardClient.builder(node.uri(path)).build();
            assertThatThrownBy(() -> client.connect().join())
                    .cause().isInstanceOf(HandshakeRejectedException.class)
                    .extracting(e -> ((HandshakeRejectedException) e).status()).isEqualTo(400);
            client.abort();
        }
    }

    @Test
    void websocketWithoutUserIdIsRefusedInInsecureMode() {
        var client = io.switchboard.client.SwitchboardClient.builder(node.uri("/ws")).build();
        assertThatThrownBy(() -> client.connect().join())
                .cause().isInstanceOf(HandshakeRejectedException.class)
                .extracting(e -> ((HandshakeRejectedException) e).status()).isEqualTo(401);
        client.abort();
    }

    private static void assertStillUsable(TestClient client) {
        client.client().ping().orTimeout(10, TimeUnit.SECONDS).join();
        String room = "still-usable";
        client.client().join(room).join();
        client.client().publish(room, "ok").join();
        Recorder.until(() -> !client.recorder().messages(room).isEmpty());
        assertThat(client.client().isOpen()).isTrue();
    }

    private static String roomMessageOfSize(int bytes) {
        String head = "{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"";
        String tail = "\"}";
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }
}
