package io.switchboard.server.transport.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CodecException;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a connection fails with, logged so that no client can fill the log: a dropped connection
 * at debug; what a client sent wrong (bad HTTP, bad HTTP/2, a flood of stream resets) as one
 * line without a stack trace, at most once per {@link #EVERY_NANOS} with how many there were;
 * anything else, which would be a fault of this server, with its stack trace. As the last
 * handler of a connection's pipeline it also closes the connection, so no failure reaches the
 * pipeline's end (where Netty would log it with its trace).
 */
@ChannelHandler.Sharable
public final class ClientErrors extends ChannelInboundHandlerAdapter {
    public static final ClientErrors INSTANCE = new ClientErrors();
    static final long EVERY_NANOS = 10_000_000_000L;
    private static final Logger log = LoggerFactory.getLogger(ClientErrors.class);

    private long lastLogged = System.nanoTime() - EVERY_NANOS;
    private long unlogged;

    private ClientErrors() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        note(ctx, cause);
        ctx.close();
    }

    /** Logs {@code cause}, a failure of the connection of {@code ctx}, as the class comment says. */
    public void note(ChannelHandlerContext ctx, Throwable cause) {
        Object peer = ctx.channel().remoteAddress() != null ? ctx.channel().remoteAddress()
                : ctx.channel().parent() != null ? ctx.channel().parent().remoteAddress() : "?";
        if (cause instanceof IOException) {
            log.debug("connection from {}: {}", peer, cause.toString());
        } else if (causedByClient(cause)) {
            noteClientError(peer, cause);
        } else {
            log.warn("connection from {} failed", peer, cause);
        }
    }

    private synchronized void noteClientError(Object peer, Throwable cause) {
        unlogged++;
        long now = System.nanoTime();
        if (now - lastLogged >= EVERY_NANOS) {
            log.warn("{} connection(s) closed for what the client sent (latest from {}: {})", unlogged, peer,
                    cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
            unlogged = 0;
            lastLogged = now;
        }
    }

    /** Whether a failure comes from what the peer sent: the codecs' refusals, HTTP/2 protocol errors. */
    static boolean causedByClient(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof Http2Exception || t instanceof CodecException) {
                return true;
            }
        }
        return false;
    }
}
