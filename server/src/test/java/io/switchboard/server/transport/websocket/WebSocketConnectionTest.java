package io.switchboard.server.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.switchboard.protocol.Json;
import io.switchboard.server.broker.MemoryBroker;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.history.MemoryHistoryStore;
import io.switchboard.server.hub.Hub;
import io.switchboard.server.node.Node;
import io.switchboard.server.presence.MemoryPresenceStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The WebSocket connection handler over an {@link EmbeddedChannel}, with a real memory node behind it. */
class WebSocketConnectionTest {
    private static final long NOW = 1_764_399_774_123L;

    private EmbeddedChannel channel;
    private final EmbeddedChannel decoder = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
    private final MemoryHistoryStore streams = new MemoryHistoryStore();
    private final MemoryBroker broker = new MemoryBroker(streams);

    @BeforeEach
    void open() {
        channel = new EmbeddedChannel();
        Hub hub = new Hub(List.of(channel.eventLoop()), ByteBufAllocator.DEFAULT);
        broker.start(hub);
        ServerConfig config = ServerConfig.builder().nodeId("unit").build();
        Node node = new Node(config, hub, broker, new MemoryPresenceStore(), streams, () -> NOW);
        WebSocketConnection connection = new WebSocketConnection(channel, Duration.ofSeconds(5), 65536);
        channel.pipeline().addLast(connection);
        connection.attach(node.open("alice", connection));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }

    @Test
    void sendsConnectedFirstThenAnswersAndPushes() {
        assertThat(frames()).extracting(f -> f.path("type").asText()).containsExactly("connected");

        text("{\"type\":\"join_room\",\"id\":1,\"room\":\"lobby\"}");
        text("{\"type\":\"room_message\",\"id\":2,\"room\":\"lobby\",\"content\":\"hi\"}");
        channel.runPendingTasks();

        // The embedded loop runs the hub's delivery task after each inbound frame.
        List<JsonNode> frames = frames();
        assertThat(frames).extracting(f -> f.path("type").asText())
                .containsExactly("ack", "join", "ack", "message");
        assertThat(frames.get(3).toString()).isEqualTo("{\"type\":\"message\",\"room\":\"lobby\",\"from\":\"alice\","
                + "\"content\":\"hi\",\"timestamp\":\"2025-11-29T07:02:54.123Z\",\"offset\":1}");
    }

    @Test
    void answersBinaryMessagesWithAnErrorAndStaysOpen() {
        frames();
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2})));
        assertThat(frames()).singleElement().satisfies(f -> {
            assertThat(f.path("code").asText()).isEqualTo("bad_request");
            assertThat(f.path("message").asText()).contains("binary");
        });
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void answersPingsWithPongsOfTheSamePayload() {
        frames();
        channel.writeInbound(new PingWebSocketFrame(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII)));
        PongWebSocketFrame pong = channel.readOutbound();
        try {
            assertThat(pong.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        } finally {
            pong.release();
        }
    }

    @Test
    void echoesTheClientsCloseAndCloses() {
        frames();
        channel.writeInbound(new CloseWebSocketFrame(1000, "bye"));
        CloseWebSocketFrame echo = channel.readOutbound();
        try {
            assertThat(echo.statusCode()).isEqualTo(1000);
        } finally {
            echo.release();
        }
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anOversizedMessageIsAnsweredWithDisconnectAndClose1009() {
        frames();
        channel.pipeline().fireExceptionCaught(new TooLongFrameException("too long"));
        List<JsonNode> frames = frames();
        assertThat(frames).singleElement().satisfies(f -> {
            assertThat(f.path("type").asText()).isEqualTo("disconnect");
            assertThat(f.path("code").asInt()).isEqualTo(1009);
            assertThat(f.path("reconnect").asBoolean()).isFalse();
        });
        CloseWebSocketFrame close = channel.readOutbound();
        try {
            assertThat(close.statusCode()).isEqualTo(1009);
        } finally {
            close.release();
        }
    }

    @Test
    void anIdleConnectionIsClosedWith1001() {
        frames();
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        assertThat(frames()).singleElement().satisfies(f -> assertThat(f.toString())
                .isEqualTo("{\"type\":\"disconnect\",\"code\":1001,\"reason\":\"idle timeout\",\"reconnect\":true}"));
        CloseWebSocketFrame close = channel.readOutbound();
        try {
            assertThat(close.statusCode()).isEqualTo(1001);
        } finally {
            close.release();
        }
    }

    private void text(String json) {
        channel.writeInbound(new TextWebSocketFrame(json));
    }

    /** Text frames written so far (pre-encoded bytes, decoded as a client would), as JSON. */
    private List<JsonNode> frames() {
        List<JsonNode> out = new ArrayList<>();
        while (channel.outboundMessages().peek() instanceof ByteBuf) {
            decoder.writeInbound((ByteBuf) channel.readOutbound());
            WebSocketFrame frame;
            while ((frame = decoder.readInbound()) != null) {
                try {
                    out.add(Json.mapper().readTree(frame.content().toString(StandardCharsets.UTF_8)));
                } catch (java.io.IOException e) {
                    throw new AssertionError("server wrote invalid JSON", e);
                } finally {
                    frame.release();
                }
            }
        }
        return out;
    }
}
