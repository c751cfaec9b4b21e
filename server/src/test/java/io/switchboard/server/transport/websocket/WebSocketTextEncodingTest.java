package io.switchboard.server.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebSocketTextEncodingTest {
    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 70000})
    void encodesFramesThatNettysDecoderReadsBackForEveryLengthForm(int length) {
        String json = "x".repeat(length);
        ByteBuf encoded = WebSocketTextEncoding.INSTANCE.encode(ByteBufAllocator.DEFAULT,
                json.getBytes(StandardCharsets.UTF_8));
        int header = length <= 125 ? 2 : length <= 65535 ? 4 : 10;
        assertThat(encoded.readableBytes()).isEqualTo(header + length);

        // A client decoder: server frames are unmasked.
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
        client.writeInbound(encoded);
        TextWebSocketFrame frame = client.readInbound();
        try {
            assertThat(frame.isFinalFragment()).isTrue();
            assertThat(frame.text()).isEqualTo(json);
        } finally {
            frame.release();
        }
        assertThat(client.finishAndReleaseAll()).isFalse();
    }
}
