package io.switchboard.server.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeepAliveHandlerTest {
    private final List<Object> events = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    private void install() {
        channel.freezeTime();
        channel.pipeline().addLast(new KeepAliveHandler(Duration.ofSeconds(25), Duration.ofSeconds(60)));
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                events.add(evt);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }
        });
    }

    @Test
    void pingsAtEveryIntervalAndStopsWhenTheChannelCloses() {
        install();
        advance(24);
        assertThat(channel.outboundMessages()).isEmpty();
        for (int i = 0; i < 3; i++) {
            advance(25);
            PingWebSocketFrame ping = channel.readOutbound();
            assertThat(ping).isNotNull();
            ping.release();
            channel.writeInbound(new PongWebSocketFrame());
        }
        channel.close();
        advance(100);
        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(events).isEmpty();
        channel.finishAndReleaseAll();
    }

    @Test
    void firesReaderIdleAfterSixtySecondsWithoutAnythingReadAndNotBefore() {
        install();
        advance(40);
        channel.writeInbound(new PongWebSocketFrame());
        advance(59);
        assertThat(events).isEmpty();
        advance(1);
        assertThat(events).containsExactly(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        advance(120);
        assertThat(events).hasSize(1);
        channel.finishAndReleaseAll();
    }

    private void advance(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }
}
