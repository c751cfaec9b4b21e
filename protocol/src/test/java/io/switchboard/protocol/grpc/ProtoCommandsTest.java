package io.switchboard.protocol.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.switchboard.protocol.Command;
import io.switchboard.protocol.CommandDecoder;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.grpc.v1.ClientCommand;
import io.switchboard.protocol.grpc.v1.DirectHistoryQuery;
import io.switchboard.protocol.grpc.v1.HistoryQuery;
import io.switchboard.protocol.grpc.v1.JoinRoom;
import io.switchboard.protocol.grpc.v1.LeaveRoom;
import io.switchboard.protocol.grpc.v1.Ping;
import io.switchboard.protocol.grpc.v1.PresenceQuery;
import io.switchboard.protocol.grpc.v1.Refresh;
import io.switchboard.protocol.grpc.v1.RoomMessage;
import io.switchboard.protocol.grpc.v1.SendDirect;
import io.switchboard.protocol.grpc.v1.StreamPosition;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A gRPC command decoded directly reads exactly as the same command sent as a JSON frame: the
 * same command, or the same refusal (code, words and id).
 */
class ProtoCommandsTest {
    private static final CommandDecoder JSON_FRAMES = new CommandDecoder();
    private static final ProtoCommands PROTO = new ProtoCommands();

    static Stream<ClientCommand> commands() {
        StreamPosition since = StreamPosition.newBuilder().setOffset(41).setEpoch("e1").build();
        Value content = Value.newBuilder().setStructValue(Struct.newBuilder()
                .putFields("text", Value.newBuilder().setStringValue("hi").build())
                .putFields("n", Value.newBuilder().setNumberValue(2.5).build())
                .putFields("list", Value.newBuilder().setListValue(ListValue.newBuilder()
                        .addValues(Value.newBuilder().setBoolValue(true))).build())).build();
        Value deep = Value.newBuilder().setStringValue("bottom").build();
        for (int i = 0; i < 40; i++) {
            deep = Value.newBuilder().setListValue(ListValue.newBuilder().addValues(deep)).build();
        }
        Value justDeepEnough = Value.newBuilder().setStringValue("bottom").build();
        for (int i = 0; i < 31; i++) {
            justDeepEnough = Value.newBuilder().setListValue(ListValue.newBuilder().addValues(justDeepEnough)).build();
        }
        return Stream.of(
                c("1").setJoinRoom(JoinRoom.newBuilder().setRoom("lobby")),
                c("j-2").setJoinRoom(JoinRoom.newBuilder().setRoom("lobby").setSince(since)),
                c("").setJoinRoom(JoinRoom.newBuilder().setRoom("a b")),
                c("3").setJoinRoom(JoinRoom.newBuilder().setRoom("")),
                c("4").setJoinRoom(JoinRoom.newBuilder().setRoom("r").setSince(since.toBuilder().setOffset(-1))),
                c("5").setLeaveRoom(LeaveRoom.newBuilder().setRoom("lobby")),
                c("6").setRoomMessage(RoomMessage.newBuilder().setRoom("lobby").setContent(content)),
                c("7").setRoomMessage(RoomMessage.newBuilder().setRoom("lobby")),
                c("8").setRoomMessage(RoomMessage.newBuilder().setRoom("lobby").setContent(content).setIdempotencyKey("k-1")),
                c("9").setRoomMessage(RoomMessage.newBuilder().setRoom("lobby").setContent(content)
                        .setIdempotencyKey("x".repeat(65))),
                c("10").setRoomMessage(RoomMessage.newBuilder().setRoom("lobby").setContent(deep)),
                c("10b").setRoomMessage(RoomMessage.newBuilder().setRoom("lobby").setContent(justDeepEnough)),
                c("11").setDirectMessage(SendDirect.newBuilder().setTo("bob").setContent(content)),
                c("12").setDirectMessage(SendDirect.newBuilder().setTo("").setContent(content)),
                c("13").setDirectMessage(SendDirect.newBuilder().setTo("a\u0007b").setContent(content)),
                c("14").setPresence(PresenceQuery.newBuilder().setRoom("lobby")),
                c("15").setHistory(HistoryQuery.newBuilder().setRoom("lobby").setLimit(3).setReverse(true).setSince(since)),
                c("16").setHistory(HistoryQuery.newBuilder().setRoom("lobby")),
                c("17").setDirectHistory(DirectHistoryQuery.newBuilder().setLimit(2)),
                c("18").setDirectHistory(DirectHistoryQuery.newBuilder().setSince(since).setReverse(true)),
                c("9007199254740991").setPing(Ping.getDefaultInstance()),
                c("9007199254740992").setPing(Ping.getDefaultInstance()),
                c("-0").setPing(Ping.getDefaultInstance()),
                c("x".repeat(64)).setPing(Ping.getDefaultInstance()),
                c("x".repeat(65)).setPing(Ping.getDefaultInstance()),
                c("19").setRefresh(Refresh.newBuilder().setToken("t0k3n")),
                c("20"),
                c("")
        ).map(ClientCommand.Builder::build);
    }

    private static ClientCommand.Builder c(String id) {
        return ClientCommand.newBuilder().setId(id);
    }

    @ParameterizedTest
    @MethodSource("commands")
    void decodesAsTheSameCommandSentAsJsonWould(ClientCommand command) throws Exception {
        byte[] json = Json.mapper().writeValueAsBytes(ProtoFrames.toJson(command));
        Object viaJson = outcome(() -> JSON_FRAMES.decode(json));
        Object direct = outcome(() -> PROTO.decode(command));
        assertThat(direct).as(new String(json, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(viaJson);
    }

    private interface Decoding {
        Command decode() throws FrameException;
    }

    /** The command, or the refusal as its code, words and id. */
    private static Object outcome(Decoding decoding) {
        try {
            return decoding.decode();
        } catch (FrameException e) {
            return List.of(e.code(), e.getMessage(), String.valueOf(e.id()));
        }
    }
}
