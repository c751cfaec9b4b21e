import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The cost of the bare minimum a fan-out must do: one 120-byte write() to each of N loopback
 * sockets per round, R rounds per second, with nothing else in the process. Prints CPU per write.
 * Arguments: port, sockets, rounds per second, seconds.
 */
public class Source {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int sockets = Integer.parseInt(args[1]);
        long perSecond = Long.parseLong(args[2]);
        long rounds = perSecond * Long.parseLong(args[3]);
        List<SocketChannel> channels = new ArrayList<>();
        for (int i = 0; i < sockets; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channels.add(channel);
        }
        ByteBuffer message = ByteBuffer.allocateDirect(120);
        while (message.hasRemaining()) {
            message.put((byte) 'x');
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long period = 1_000_000_000L / perSecond;
        for (int warm = 0; warm < 2; warm++) {
            long cpu = os.getProcessCpuTime();
            long start = System.nanoTime();
            for (long r = 0; r < rounds; r++) {
                for (SocketChannel channel : channels) {
                    message.rewind();
                    channel.write(message);
                }
                long next = start + (r + 1) * period;
                for (long now = System.nanoTime(); now < next; now = System.nanoTime()) {
                    LockSupport.parkNanos(next - now);
                }
            }
            long used = os.getProcessCpuTime() - cpu;
            if (warm == 1) {
                System.out.printf("%d writes of 120 B to %d sockets, %d rounds/s: %.2f us CPU per write%n",
                        rounds * sockets, sockets, perSecond, used / 1e3 / (rounds * sockets));
            }
        }
    }
}
