package io.switchboard.server.http;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Who is at the other end of a channel. */
public final class Peers {
    private Peers() {
    }

    /** The peer's IP address as text; an HTTP/2 stream's is its connection's. */
    public static String ip(Channel channel) {
        SocketAddress address = channel.remoteAddress();
        if (address == null && channel.parent() != null) {
            address = channel.parent().remoteAddress();
        }
        return address instanceof InetSocketAddress && ((InetSocketAddress) address).getAddress() != null
                ? ((InetSocketAddress) address).getAddress().getHostAddress() : String.valueOf(address);
    }
}
