package io.switchboard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandDecoderTest {
    private final CommandDecoder sut = new CommandDecoder();

    @Test
    void decodesEveryCommandOfTheOriginalHubWithoutIds() throws Exception {
        assertThat(decode("{\"type\":\"join_room\",\"room\":\"lobby\"}"))
                .isEqualTo(new Command.JoinRoom(null, "lobby", null));
        assertThat(decode("{\"type\":\"leave_room\",\"room\":\"lobby\"}"))
                .isEqualTo(new Command.LeaveRoom(null, "lobby"));
        assertThat(decode("{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":\"hi\"}"))
                .isEqualTo(new Command.RoomMessage(null, "lobby", "\"hi\""));
        assertThat(decode("{\"type\":\"direct_message\",\"to\":\"bob\",\"content\":{\"a\":[1,2]}}"))
                .isEqualTo(new Command.DirectMessage(null, "bob", "{\"a\":[1,2]}"));
    }

    @Test
    void readsAnIdempotencyKeyAndKeepsItThroughTheGrpcForm() throws Exception {
        String json = "{\"type\":\"room_message\",\"room\":\"lobby\",\"content\":1,\"idempotency_key\":\"k-1\"}";
        assertThat(decode(json)).isEqualTo(new Command.RoomMessage(null, "lobby", "1", "k-1"));
        assertThat(decode(viaGrpc(json))).isEqualTo(new Command.RoomMessage(null, "lobby", "1", "k-1"));
        String direct = "{\"type\":\"direct_message\",\"to\":\"bob\",\"content\":1,\"idempotency_key\":\"k-2\"}";
        assertThat(decode(direct)).isEqualTo(new Command.DirectMessage(null, "bob", "1", "k-2"));
        assertThat(decode(viaGrpc(direct))).isEqualTo(new Command.DirectMessage(null, "bob", "1", "k-2"));
    }

    /** The command as a gRPC client sends it, and back in JSON as the server reads it. */
    private static String viaGrpc(String json) throws Exception {
        return io.switchboard.protocol.grpc.ProtoFrames.toJson(io.switchboard.protocol.grpc.ProtoFrames.toProto(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(json))).toString();
    }

    @Test
    void keepsTheIdAsSentAndIgnoresUnknownFields() throws Exception {
        Command join = decode("{\"id\":\"abc\",\"type\":\"join_room\",\"room\":\"r\",\"extra\":{\"x\":1}}");
        assertThat(join.id().textValue()).isEqualTo("abc");
        Command ping = decode("{\"type\":\"ping\",\"id\":9007199254740991}");
        assertThat(ping.id().longValue()).isEqualTo(9007199254740991L);
        assertThat(decode("{\"type\":\"ping\",\"id\":null}").id()).isNull();
    }

    @Test
    void readsSinceOnJoin() throws Exception {
        Command join = decode("{\"type\":\"join_room\",\"room\":\"r\",\"since\":{\"offset\":42,\"epoch\":\"e1\"}}");
        assertThat(((Command.JoinRoom) join).since()).isEqualTo(new StreamPosition(42, "e1"));
    }

    @Test
    void contentMayBeAnyJsonValueIncludingNull() throws Exception {
        assertThat(((Command.RoomMessage) decode("{\"type\":\"room_message\",\"room\":\"r\",\"content\":null}"))
                .content()).isEqualTo("null");
        assertThat(((Command.RoomMessage) decode("{\"type\":\"room_message\",\"room\":\"r\",\"content\":12.5}"))
                .content()).isEqualTo("12.5");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON              | {oops                                                   | BAD_REQUEST  | false",
        "empty                 | ''                                                      | BAD_REQUEST  | false",
        "array                 | [1]                                                     | BAD_REQUEST  | false",
        "id is an object       | {\"type\":\"ping\",\"id\":{}}                           | BAD_REQUEST  | false",
        "id too large          | {\"type\":\"ping\",\"id\":9007199254740992}             | BAD_REQUEST  | false",
        "id fractional         | {\"type\":\"ping\",\"id\":1.5}                          | BAD_REQUEST  | false",
        "no type               | {\"id\":1}                                              | BAD_REQUEST  | true",
        "unknown type          | {\"id\":1,\"type\":\"fly\"}                             | UNKNOWN_TYPE | true",
        "room missing          | {\"id\":1,\"type\":\"join_room\"}                       | BAD_REQUEST  | true",
        "room a number         | {\"id\":1,\"type\":\"join_room\",\"room\":1}            | BAD_REQUEST  | true",
        "room bad character    | {\"id\":1,\"type\":\"join_room\",\"room\":\"a!\"}       | BAD_REQUEST  | true",
        "content missing       | {\"id\":1,\"type\":\"room_message\",\"room\":\"r\"}     | BAD_REQUEST  | true",
        "to missing            | {\"id\":1,\"type\":\"direct_message\",\"content\":1}    | BAD_REQUEST  | true",
        "since offset negative | {\"id\":1,\"type\":\"join_room\",\"room\":\"r\",\"since\":{\"offset\":-2,\"epoch\":\"e\"}} | BAD_REQUEST | true",
        "since epoch missing   | {\"id\":1,\"type\":\"join_room\",\"room\":\"r\",\"since\":{\"offset\":2}} | BAD_REQUEST | true",
    })
    void refusesBadFramesWithTheRightCode(String name, String frame, ErrorCode code, boolean keepsId) {
        FrameException e = catchThrowableOfType(FrameException.class, () -> decode(frame));
        assertThat(e).as(name).isNotNull();
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.id() != null).isEqualTo(keepsId);
    }

    @Test
    void refusesJsonNestedDeeperThan32Levels() throws Exception {
        String ok = "[".repeat(30) + "]".repeat(30);
        assertThat(decode("{\"type\":\"room_message\",\"room\":\"r\",\"content\":" + ok + "}"))
                .isInstanceOf(Command.RoomMessage.class);
        String deep = "[".repeat(32) + "]".repeat(32);
        FrameException e = catchThrowableOfType(FrameException.class,
                () -> decode("{\"type\":\"room_message\",\"room\":\"r\",\"content\":" + deep + "}"));
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.getMessage()).contains("nested deeper than 32");
    }

    @Test
    void numbersInContentAreKeptExactlyNeverRoundedNorInfinite() throws Exception {
        String content = "{\"big\":123456789012345678901234567890,\"pi\":3.14159265358979323846264338327950288,"
                + "\"huge\":1e400,\"tiny\":-1e-400,\"price\":1.10,\"int\":-42}";
        Command.RoomMessage message = (Command.RoomMessage) decode(
                "{\"type\":\"room_message\",\"room\":\"r\",\"content\":" + content + "}");
        assertThat(message.content()).isEqualTo("{\"big\":123456789012345678901234567890,"
                + "\"pi\":3.14159265358979323846264338327950288,\"huge\":1E+400,\"tiny\":-1E-400,\"price\":1.10,\"int\":-42}");
        assertThat(message.content()).doesNotContain("Infinity");
    }

    @Test
    void aNumberOverTheLengthLimitIsRefusedSayingSoWithTheCommandsIdWhereverTheIdStands() throws Exception {
        String limit = "9".repeat(Json.MAX_NUMBER_LENGTH);
        assertThat(decode("{\"type\":\"room_message\",\"id\":1,\"room\":\"r\",\"content\":" + limit + "}"))
                .isInstanceOf(Command.RoomMessage.class);
        String over = limit + "9";
        for (String frame : new String[] {
                "{\"id\":\"n-1\",\"type\":\"room_message\",\"room\":\"r\",\"content\":[" + over + "]}",
                "{\"type\":\"room_message\",\"room\":\"r\",\"content\":{\"x\":0." + over + "},\"id\":\"n-1\"}",
        }) {
            FrameException e = catchThrowableOfType(FrameException.class, () -> decode(frame));
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e.getMessage()).isEqualTo("a number longer than 1000 characters");
            assertThat(e.id().textValue()).isEqualTo("n-1");
        }
        FrameException badId = catchThrowableOfType(FrameException.class,
                () -> decode("{\"id\":1.5,\"type\":\"room_message\",\"room\":\"r\",\"content\":" + over + "}"));
        assertThat(badId.id()).as("an invalid id is not echoed").isNull();
    }

    @Test
    void aFrameTooDeepStillAnswersWithItsId() {
        String deep = "[".repeat(40) + "]".repeat(40);
        FrameException e = catchThrowableOfType(FrameException.class,
                () -> decode("{\"type\":\"room_message\",\"room\":\"r\",\"content\":" + deep + ",\"id\":7}"));
        assertThat(e.getMessage()).isEqualTo("JSON nested deeper than 32 levels");
        assertThat(e.id().longValue()).isEqualTo(7);
    }

    private Command decode(String frame) throws FrameException {
        return sut.decode(frame.getBytes(StandardCharsets.UTF_8));
    }
}
