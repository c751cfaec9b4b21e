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
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/** The node's event loops: native epoll where the platform has it, NIO otherwise. */
public final class EventLoops implements AutoCloseable {
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> serverChannelType;
    private final String kind;
    private final int threads;

    private EventLoops(EventLoopGroup group, Class<? extends ServerChannel> serverChannelType, String kind, int threads) {
        this.group = group;
        this.threads = threads;
        this.serverChannelType = serverChannelType;
        this.kind = kind;
    }

    /** Creates {@code threads} loops ({@code 0}: one per core). */
    public static EventLoops create(int threads) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        DefaultThreadFactory names = new DefaultThreadFactory("switchboard-io", true);
        if (Epoll.isAvailable()) {
            return new EventLoops(group(n, names, EpollIoHandler.newFactory()), EpollServerSocketChannel.class, "epoll", n);
        }
        return new EventLoops(group(n, names, NioIoHandler.newFactory()), NioServerSocketChannel.class, "nio", n);
    }

    private static EventLoopGroup group(int n, DefaultThreadFactory names, IoHandlerFactory io) {
        return new MultiThreadIoEventLoopGroup(n, names, io);
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

    /** {@code epoll} or {@code nio}. */
    public String kind() {
        return kind;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
