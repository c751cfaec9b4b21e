package io.switchboard.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Tells HTTP/2 by prior knowledge from HTTP/1.1 on a clear-text connection by its first bytes.
 * The HTTP/2 connection preface replaces the HTTP/1.1 handlers with {@code http2} (which then
 * reads the preface); any other first bytes leave the connection to HTTP/1.1. No
 * {@code Upgrade: h2c} is taken up, so HTTP/1.1 requests asking for it are served like any other.
 */
final class Http2PriorKnowledge extends ByteToMessageDecoder {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final List<String> http1;
    private final ChannelHandler http2;

    /** {@code http1}: the names of the HTTP/1.1 handlers, removed (those present) for HTTP/2. */
    Http2PriorKnowledge(List<String> http1, ChannelHandler http2) {
        this.http1 = List.copyOf(http1);
        this.http2 = http2;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int seen = Math.min(in.readableBytes(), PREFACE.length);
        for (int i = 0; i < seen; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
                // HTTP/1.1: what was read so far goes on to its codec as this handler leaves.
                ctx.pipeline().remove(this);
                return;
            }
        }
        if (seen < PREFACE.length) {
            return;
        }
        for (String name : http1) {
            if (ctx.pipeline().get(name) != null) {
                ctx.pipeline().remove(name);
            }
        }
        ctx.pipeline().addAfter(ctx.name(), null, http2);
        ctx.pipeline().remove(this);
    }
}
