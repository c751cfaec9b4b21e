package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.testing.RawHttp;
import io.switchboard.server.testing.TestNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The request deadline and the idle timeout. On HTTP/2 (clear text by prior knowledge, spoken
 * here frame by frame): a stream late with its request is reset, a connection without streams is
 * closed with GOAWAY, and a stream still being answered (an event stream) keeps its connection
 * open. On HTTP/1.1: a connection answered before its request was whole is still closed once idle.
 */
class HttpDeadlinesIT {
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(600);
    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(1200);
    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int RST_STREAM = 3;
    private static final int SETTINGS = 4;
    private static final int GOAWAY = 7;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;

    @RegisterExtension
    final TestNode node = new TestNode(b -> b.handshakeTimeout(REQUEST_TIMEOUT)
            .pingInterval(Duration.ofMillis(400)).idleTimeout(IDLE_TIMEOUT));

    private Socket socket;

    @AfterEach
    void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
    }

    /** One frame as read: its type, flags, stream and payload, and when it arrived. */
    private record Frame(int type, int flags, int stream, byte[] payload, long atNanos) {
    }

    private DataInputStream open() throws IOException {
        socket = new Socket("127.0.0.1", node.port());
        socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
        OutputStream out = socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        write(SETTINGS, 0, 0, new byte[0]);
        return new DataInputStream(socket.getInputStream());
    }

    private void write(int type, int flags, int stream, byte[] payload) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(new byte[] {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
                (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8),
                (byte) stream});
        out.write(payload);
        out.flush();
    }

    /** A header block for {@code GET path}: static-table entries and literals, no Huffman coding. */
    private static byte[] get(String path) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(0x82); // :method GET
        block.write(0x86); // :scheme http
        literal(block, 0x04, path); // :path, not indexed
        literal(block, 0x01, "127.0.0.1"); // :authority, not indexed
        return block.toByteArray();
    }

    private static void literal(ByteArrayOutputStream block, int nameIndex, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        block.write(nameIndex);
        block.write(bytes.length); // under 127: one byte, no Huffman
        block.writeBytes(bytes);
    }

    /** The next frame other than SETTINGS (and its acknowledgement), or null at the end of the connection. */
    private static Frame next(DataInputStream in) throws IOException {
        while (true) {
            int length;
            try {
                length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
            } catch (EOFException e) {
                return null;
            }
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int stream = in.readInt() & 0x7fffffff;
            byte[] payload = in.readNBytes(length);
            if (type != SETTINGS) {
                return new Frame(type, flags, stream, payload, System.nanoTime());
            }
        }
    }

    private static long millisSince(long startNanos, Frame frame) {
        return TimeUnit.NANOSECONDS.toMillis((frame == null ? System.nanoTime() : frame.atNanos()) - startNanos);
    }

    @Test
    void aConnectionThatOpensNoStreamIsClosedWithGoawayOnceIdle() throws IOException {
        long start = System.nanoTime();
        DataInputStream in = open();
        Frame frame = next(in);
        assertThat(frame).isNotNull();
        assertThat(frame.type()).isEqualTo(GOAWAY);
        assertThat(millisSince(start, frame)).isBetween(IDLE_TIMEOUT.toMillis() - 100, IDLE_TIMEOUT.toMillis() + 4_000);
        assertThat(next(in)).isNull();
    }

    @Test
    void aStreamThatNeverFinishesItsRequestIsResetThenTheIdleConnectionClosed() throws IOException {
        DataInputStream in = open();
        long start = System.nanoTime();
        // Headers without END_STREAM: the request's body never comes.
        write(HEADERS, END_HEADERS, 1, get("/healthz"));
        Frame reset = next(in);
        assertThat(reset).isNotNull();
        assertThat(reset.type()).isEqualTo(RST_STREAM);
        assertThat(reset.stream()).isEqualTo(1);
        assertThat(millisSince(start, reset)).isBetween(REQUEST_TIMEOUT.toMillis() - 100, REQUEST_TIMEOUT.toMillis() + 4_000);

        long resetAt = reset.atNanos();
        Frame goaway = next(in);
        assertThat(goaway).isNotNull();
        assertThat(goaway.type()).isEqualTo(GOAWAY);
        // Timed here, on the reader's side of both frames: a generous margin for a late reader.
        assertThat(millisSince(resetAt, goaway)).isGreaterThanOrEqualTo(IDLE_TIMEOUT.toMillis() - 500);
    }

    @Test
    void aStreamBeingAnsweredKeepsItsConnectionOpenPastBothTimeouts() throws Exception {
        DataInputStream in = open();
        write(HEADERS, END_HEADERS | END_STREAM, 1, get("/sse/alice"));
        Frame headers = next(in);
        assertThat(headers).isNotNull();
        assertThat(headers.type()).isEqualTo(HEADERS);
        Frame connected = next(in);
        assertThat(connected).isNotNull();
        assertThat(connected.type()).isEqualTo(DATA);
        assertThat(new String(connected.payload(), StandardCharsets.UTF_8)).contains("\"type\":\"connected\"");

        // Nothing closes the stream or the connection for three idle timeouts (its heartbeats, if
        // any came, would be DATA on the stream).
        long until = System.nanoTime() + IDLE_TIMEOUT.multipliedBy(3).toNanos();
        long left;
        while ((left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())) > 0) {
            socket.setSoTimeout((int) left);
            Frame frame;
            try {
                frame = next(in);
            } catch (SocketTimeoutException quiet) {
                break;
            }
            assertThat(frame).as("the connection is still open").isNotNull();
            assertThat(frame.type()).as("frame on stream %d", frame.stream()).isEqualTo(DATA);
            assertThat(frame.flags() & END_STREAM).isZero();
        }
        // Still served: the stream delivers a direct message sent now.
        node.connect("bob").client().sendDirect("alice", "still here").get(10, TimeUnit.SECONDS);
        socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
        Frame frame;
        do {
            frame = next(in);
            assertThat(frame).as("the connection is still open").isNotNull();
        } while (!new String(frame.payload(), StandardCharsets.UTF_8).contains("still here"));
    }

    @Test
    void anHttp11ConnectionAnsweredBeforeItsRequestWasWholeIsClosedOnceIdle() throws IOException {
        socket = new Socket("127.0.0.1", node.port());
        socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
        OutputStream out = socket.getOutputStream();
        int tooLarge = 70 * 1024;
        out.write(("POST /api/v1/rooms/lobby/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + tooLarge + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // Refused by its head alone, and the connection kept for the next request...
        assertThat(RawHttp.readResponse(socket.getInputStream())).startsWith("HTTP/1.1 413");
        // ...once the rest of this one's body is through.
        out.write(new byte[tooLarge]);
        out.flush();
        long start = System.nanoTime();
        assertThat(socket.getInputStream().read()).as("closed, nothing more said").isEqualTo(-1);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                .isBetween(IDLE_TIMEOUT.toMillis() - 500, IDLE_TIMEOUT.toMillis() + 4_000);
    }
}
