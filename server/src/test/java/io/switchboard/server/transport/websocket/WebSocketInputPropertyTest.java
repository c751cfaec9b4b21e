package io.switchboard.server.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.switchboard.server.broker.MemoryBroker;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.history.MemoryHistoryStore;
import io.switchboard.server.hub.Hub;
import io.switchboard.server.node.Node;
import io.switchboard.server.presence.MemoryPresenceStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/**
 * Whatever a client sends, as raw bytes, as frames of any kind or as any JSON, the WebSocket
 * pipeline of a connection (frame decoder, aggregator, connection handler, a real memory node
 * behind it) never lets an exception out of the handlers and frees every buffer it took.
 * Buffers come from an allocator that counts them, so a leak shows up in the try that made it.
 */
class WebSocketInputPropertyTest {
    private static final int MAX_FRAME = 4096;
    private static final List<String> TYPES = List.of("join_room", "leave_room", "room_message", "direct_message",
            "presence", "ping", "history", "direct_history", "refresh", "connect", "subscribe", "", "ROOM_MESSAGE");
    private static final List<String> FIELDS = List.of("type", "id", "room", "to", "content", "since", "limit",
            "offset", "epoch", "token", "rooms", "x");

    /** One connection's pipeline, as the server builds it after a handshake, on counting buffers. */
    private static final class Pipeline implements AutoCloseable {
        final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false, true);
        final EmbeddedChannel channel = new EmbeddedChannel();
        private final EmbeddedChannel maskingClient = new EmbeddedChannel(new WebSocket13FrameEncoder(true));

        Pipeline() {
            channel.config().setOption(ChannelOption.ALLOCATOR, allocator);
            MemoryHistoryStore streams = new MemoryHistoryStore();
            MemoryBroker broker = new MemoryBroker(streams);
            Hub hub = new Hub(List.of(channel.eventLoop()), allocator);
            broker.start(hub);
            ServerConfig config = ServerConfig.builder().nodeId("fuzz").maxFrameBytes(MAX_FRAME).build();
            Node node = new Node(config, hub, broker, new MemoryPresenceStore(), streams, System::currentTimeMillis);
            WebSocketConnection connection = new WebSocketConnection(channel, Duration.ofSeconds(5), MAX_FRAME);
            // Named as the server's handshaker names them: the connection writes encoded frames past "wsencoder".
            channel.pipeline().addLast("wsdecoder",
                    new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder().expectMaskedFrames(true)
                            .maxFramePayloadLength(MAX_FRAME).closeOnProtocolViolation(false).build()));
            channel.pipeline().addLast("wsencoder", new WebSocket13FrameEncoder(false));
            channel.pipeline().addLast("ws-aggregator", new WebSocketFrameAggregator(MAX_FRAME));
            channel.pipeline().addLast("ws-session", connection);
            connection.attach(node.open("fuzzer", connection));
            settle();
        }

        void bytes(byte[] wire) {
            ByteBuf buffer = allocator.heapBuffer(wire.length).writeBytes(wire);
            if (channel.isOpen()) {
                channel.writeInbound(buffer);
            } else {
                buffer.release();
            }
            settle();
        }

        /** Encodes {@code frame} as a client would (masked) and feeds the bytes in. */
        void frame(WebSocketFrame frame) {
            maskingClient.writeOutbound(frame);
            for (ByteBuf encoded; (encoded = maskingClient.readOutbound()) != null; ) {
                byte[] wire = new byte[encoded.readableBytes()];
                encoded.readBytes(wire);
                encoded.release();
                bytes(wire);
            }
        }

        private void settle() {
            channel.runPendingTasks();
            channel.checkException();
            for (Object out; (out = channel.readOutbound()) != null; ) {
                io.netty.util.ReferenceCountUtil.release(out);
            }
        }

        @Override
        public void close() {
            channel.close();
            settle();
            channel.finishAndReleaseAll();
            maskingClient.finishAndReleaseAll();
            assertThat(allocator.metric().usedHeapMemory()).as("heap bytes still held").isZero();
            assertThat(allocator.metric().usedDirectMemory()).as("direct bytes still held").isZero();
        }
    }

    @Property(tries = 300)
    void randomBytesNeverEscapeTheHandlersNorLeak(@ForAll @Size(max = 8) List<@Size(max = 600) byte[]> chunks,
                                                 @ForAll boolean startWithAValidHeader) {
        try (Pipeline pipeline = new Pipeline()) {
            if (startWithAValidHeader) {
                // A masked text frame header of 125 bytes, so what follows is read as its payload.
                pipeline.bytes(new byte[] {(byte) 0x81, (byte) (0x80 | 125), 1, 2, 3, 4});
            }
            for (byte[] chunk : chunks) {
                pipeline.bytes(chunk);
            }
        }
    }

    @Property(tries = 300)
    void framesOfAnyKindAndOrderNeverEscapeTheHandlersNorLeak(@ForAll("frames") List<Tuple.Tuple3<Integer, Boolean, byte[]>> frames) {
        try (Pipeline pipeline = new Pipeline()) {
            for (Tuple.Tuple3<Integer, Boolean, byte[]> f : frames) {
                pipeline.frame(frame(f.get1(), f.get2(), f.get3()));
            }
        }
    }

    @Property(tries = 300)
    void anyJsonIsAnsweredWithoutClosingTheConnectionOrLeaking(@ForAll("commands") List<String> texts) {
        try (Pipeline pipeline = new Pipeline()) {
            for (String text : texts) {
                pipeline.frame(new TextWebSocketFrame(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
            }
            // No JSON under the frame limit is a reason to drop a client.
            assertThat(pipeline.channel.isOpen()).as("open after %s", texts).isTrue();
        }
    }

    private static WebSocketFrame frame(int kind, boolean fin, byte[] payload) {
        ByteBuf content = Unpooled.wrappedBuffer(payload);
        switch (kind) {
            case 0:
                return new TextWebSocketFrame(fin, 0, content);
            case 1:
                return new BinaryWebSocketFrame(fin, 0, content);
            case 2:
                return new ContinuationWebSocketFrame(fin, 0, content);
            case 3:
                return new PingWebSocketFrame(content.slice(0, Math.min(payload.length, 125)));
            case 4:
                return new PongWebSocketFrame(content.slice(0, Math.min(payload.length, 125)));
            default:
                // Any payload, so invalid close codes and reasons come too.
                return new CloseWebSocketFrame(true, 0, content.slice(0, Math.min(payload.length, 125)));
        }
    }

    @Provide
    Arbitrary<List<Tuple.Tuple3<Integer, Boolean, byte[]>>> frames() {
        Arbitrary<byte[]> payloads = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
                command().map(c -> c.toString().getBytes(StandardCharsets.UTF_8)));
        return Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.of(true, false), payloads)
                .as(Tuple::of).list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<String>> commands() {
        return command().map(Object::toString).list().ofMaxSize(10);
    }

    private Arbitrary<ObjectNode> command() {
        Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.strings().ofMaxLength(8));
        return Combinators.combine(Arbitraries.of(TYPES), names.list().ofMaxSize(6), json(3).list().ofMaxSize(6))
                .as((type, fields, values) -> {
                    ObjectNode command = JsonNodeFactory.instance.objectNode();
                    if (!type.isEmpty()) {
                        command.put("type", type);
                    }
                    for (int i = 0; i < Math.min(fields.size(), values.size()); i++) {
                        command.set(fields.get(i), values.get(i));
                    }
                    return command;
                });
    }

    private Arbitrary<com.fasterxml.jackson.databind.JsonNode> json(int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Arbitrary<com.fasterxml.jackson.databind.JsonNode> leaves = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30).map(f::textNode),
                Arbitraries.of("lobby", "a:b", "$vip:x", "r#fuzzer,bob", "presence", "fuzzer", "bob").map(f::textNode),
                Arbitraries.longs().map(f::numberNode),
                Arbitraries.doubles().map(f::numberNode),
                Arbitraries.of(true, false).map(f::booleanNode),
                Arbitraries.just(f.nullNode()));
        if (depth == 0) {
            return leaves;
        }
        Arbitrary<com.fasterxml.jackson.databind.JsonNode> arrays = json(depth - 1).list().ofMaxSize(4).map(items -> {
            ArrayNode array = f.arrayNode();
            items.forEach(array::add);
            return array;
        });
        Arbitrary<com.fasterxml.jackson.databind.JsonNode> objects = Combinators.combine(
                Arbitraries.of(FIELDS).list().ofMaxSize(4), json(depth - 1).list().ofMaxSize(4)).as((keys, values) -> {
                    ObjectNode object = f.objectNode();
                    for (int i = 0; i < Math.min(keys.size(), values.size()); i++) {
                        object.set(keys.get(i), values.get(i));
                    }
                    return object;
                });
        return Arbitraries.oneOf(leaves, arrays, objects);
    }
}
