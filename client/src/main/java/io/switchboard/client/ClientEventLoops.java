package io.switchboard.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Event loops for clients: native epoll where available, NIO otherwise. */
public final class ClientEventLoops {
    private static volatile EventLoopGroup shared;

    private ClientEventLoops() {
    }

    /** A new group of {@code threads} daemon loops ({@code 0}: one per core). */
    public static EventLoopGroup create(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        return new MultiThreadIoEventLoopGroup(threads, factory,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** The socket channel type matching {@link #create}. */
    public static Class<? extends SocketChannel> channelType() {
        return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** The group clients use when given none; created on first use, lives as long as the JVM. */
    static EventLoopGroup shared() {
        EventLoopGroup group = shared;
        if (group == null) {
            synchronized (ClientEventLoops.class) {
                group = shared;
                if (group == null) {
                    group = create(0, "switchboard-client");
                    shared = group;
                }
            }
        }
        return group;
    }
}
