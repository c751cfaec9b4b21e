package io.switchboard.server.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.switchboard.protocol.grpc.v1.ServerFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A frame is serialized once; the streams it is fanned out to share its bytes. */
class GrpcFramesTest {
    private static final byte[] MESSAGE = ("{\"type\":\"message\",\"room\":\"lobby\",\"from\":\"alice\","
            + "\"content\":\"hi\",\"offset\":7,\"epoch\":\"e\",\"timestamp\":\"2026-01-01T00:00:00Z\"}")
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void everyStreamOfAFanOutGetsTheSameBytesWithoutACopy() throws Exception {
        ByteBuf encoded = GrpcFrames.SERVER_FRAMES.encode(PooledByteBufAllocator.DEFAULT, MESSAGE);
        ByteBuf first = encoded.retainedDuplicate();
        ByteBuf second = encoded.retainedDuplicate();
        try {
            byte[] bytes = GrpcFrames.messageBytes(first);
            assertThat(GrpcFrames.messageBytes(second)).isSameAs(bytes);
            ServerFrame frame = ServerFrame.parseFrom(bytes);
            assertThat(frame.getMessage().getRoom()).isEqualTo("lobby");
            assertThat(frame.getMessage().getOffset()).isEqualTo(7);
        } finally {
            first.release();
            second.release();
            encoded.release();
        }
        assertThat(encoded.refCnt()).isZero();
    }

    @Test
    void otherBuffersAreCopiedOutWhole() {
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.heapBuffer(16).writeBytes(new byte[] {9, 1, 2, 3});
        try {
            pooled.skipBytes(1);
            assertThat(GrpcFrames.messageBytes(pooled)).containsExactly(1, 2, 3);
            assertThat(GrpcFrames.messageBytes(pooled.slice(2, 2))).containsExactly(2, 3);
        } finally {
            pooled.release();
        }
    }

    @Test
    void subscribeStreamsGetRoomMessagesOnly() {
        assertThat(GrpcFrames.SUBSCRIBE_EVENTS.encode(PooledByteBufAllocator.DEFAULT, MESSAGE).isReadable()).isTrue();
        byte[] join = "{\"type\":\"join\",\"room\":\"lobby\",\"user_id\":\"bob\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(GrpcFrames.SUBSCRIBE_EVENTS.encode(PooledByteBufAllocator.DEFAULT, join).isReadable()).isFalse();
    }
}
