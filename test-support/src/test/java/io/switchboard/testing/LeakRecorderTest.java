package io.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeakRecorderTest {
    @Test
    void reportsABufferThatWasNeverReleased() {
        leakOneBuffer();
        List<String> leaks = LeakRecorder.awaitLeaks(java.time.Duration.ofSeconds(30));
        assertThat(leaks).isNotEmpty();
        assertThat(leaks.get(0)).startsWith("LEAK:");
        assertThat(LeakRecorder.drain()).isEmpty();
    }

    @Test
    void reportsNothingWhenEveryBufferIsReleased() {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buffer.writeLong(1);
        buffer.release();
        assertThat(LeakRecorder.drain()).isEmpty();
    }

    private static void leakOneBuffer() {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buffer.writeLong(42);
    }
}
