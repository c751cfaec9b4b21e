package io.switchboard.server.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.switchboard.server.config.IoTransport;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/** The node's event loops, on the I/O transport chosen by {@link IoTransport}. */
public final class EventLoops implements AutoCloseable {
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> serverChannelType;
    private final IoTransport kind;
    private final int threads;

    private EventLoops(IoHandlerFactory io, Class<? extends ServerChannel> serverChannelType, IoTransport kind, int threads) {
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("switchboard-io", true), io);
        this.serverChannelType = serverChannelType;
        this.kind = kind;
        this.threads = threads;
    }

    /**
     * Creates {@code threads} loops ({@code 0}: one per core) on the transport {@code wanted};
     * fails when epoll is asked for by name and is not available here.
     */
    public static EventLoops create(IoTransport wanted, int threads) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        switch (wanted) {
            case EPOLL:
                Epoll.ensureAvailability();
                return epoll(n);
            case NIO:
                return nio(n);
            default:
                return Epoll.isAvailable() ? epoll(n) : nio(n);
        }
    }

    private static EventLoops epoll(int n) {
        return new EventLoops(EpollIoHandler.newFactory(), EpollServerSocketChannel.class, IoTransport.EPOLL, n);
    }

    private static EventLoops nio(int n) {
        return new EventLoops(NioIoHandler.newFactory(), NioServerSocketChannel.class, IoTransport.NIO, n);
    }

    public EventLoopGroup group() {
        return group;
    }

    public Class<? extends ServerChannel> serverChannelType() {
        return serverChannelType;
    }

    public int threads() {
        return threads;
    }

    /** The transport in use (never {@link IoTransport#AUTO}). */
    public IoTransport kind() {
        return kind;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
