package io.switchboard.server.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeepAliveHandlerTest {
    @Test
    void pingsAtEveryIntervalAndStopsWhenTheChannelCloses() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new KeepAliveHandler(Duration.ofSeconds(25)));

        channel.advanceTimeBy(24, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat((Object) channel.readOutbound()).isNull();

        for (int i = 0; i < 3; i++) {
            channel.advanceTimeBy(25, TimeUnit.SECONDS);
            channel.runScheduledPendingTasks();
            PingWebSocketFrame ping = channel.readOutbound();
            assertThat(ping).isNotNull();
            ping.release();
        }

        channel.close();
        channel.advanceTimeBy(100, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat((Object) channel.readOutbound()).isNull();
        channel.finishAndReleaseAll();
    }
}
