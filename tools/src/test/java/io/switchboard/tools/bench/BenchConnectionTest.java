package io.switchboard.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchConnectionTest {
    @Test
    void readsTheSendTimeOutOfAMessageFrameWithoutParsingIt() {
        assertThat(sendTime("{\"type\":\"message\",\"room\":\"r\",\"content\":{\"t\":123456789,\"s\":1}}"))
                .isEqualTo(123456789L);
        assertThat(sendTime("{\"type\":\"message\",\"content\":{\"s\":1}}")).isEqualTo(-1);
        assertThat(sendTime("{\"type\":\"message\",\"content\":{\"t\":\"x\"}}")).isEqualTo(-1);
    }

    private static long sendTime(String frame) {
        ByteBuf buf = Unpooled.copiedBuffer(frame, StandardCharsets.UTF_8);
        try {
            return BenchConnection.sendTime(buf);
        } finally {
            buf.release();
        }
    }
}
