package io.switchboard.server.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.switchboard.server.session.FrameEncoding;
import io.switchboard.server.session.Connection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Connection} that keeps what is written to it as text, counts flushes, and releases
 * every buffer it is given. Its encoding is the frame JSON itself.
 */
public final class RecordingConnection implements Connection {
    /** Encodes a frame as its JSON bytes; counts how often it is asked to. */
    public static final class CountingEncoding implements FrameEncoding {
        private int encodes;

        @Override
        public ByteBuf encode(ByteBufAllocator allocator, byte[] json) {
            encodes++;
            return allocator.buffer(json.length).writeBytes(json);
        }

        public int encodes() {
            return encodes;
        }
    }

    private final EventLoop loop;
    private final FrameEncoding encoding;
    private final List<String> written = new ArrayList<>();
    private final List<String> flushed = new ArrayList<>();
    private int unflushed;
    private int flushes;
    private boolean overLimit;
    private boolean readingPaused;
    private Integer closeCode;

    public RecordingConnection(EventLoop loop, FrameEncoding encoding) {
        this.loop = loop;
        this.encoding = encoding;
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    @Override
    public FrameEncoding encoding() {
        return encoding;
    }

    @Override
    public String transport() {
        return "recording";
    }

    @Override
    public String remoteAddress() {
        return "test";
    }

    @Override
    public void write(ByteBuf encoded, boolean flush) {
        try {
            written.add(encoded.toString(StandardCharsets.UTF_8));
            unflushed++;
        } finally {
            encoded.release();
        }
        if (flush) {
            flush();
        }
    }

    @Override
    public void send(byte[] frame) {
        written.add(new String(frame, StandardCharsets.UTF_8));
        unflushed++;
        flush();
    }

    @Override
    public void flush() {
        flushes++;
        flushed.addAll(written.subList(written.size() - unflushed, written.size()));
        unflushed = 0;
    }

    @Override
    public boolean isOverLimit() {
        return overLimit;
    }

    @Override
    public void pauseReading() {
        readingPaused = true;
    }

    @Override
    public void resumeReading() {
        readingPaused = false;
    }

    @Override
    public void close(int code, String reason) {
        closeCode = code;
    }

    /** Every frame written, flushed or not. */
    public List<String> written() {
        return List.copyOf(written);
    }

    /** Frames that have been flushed. */
    public List<String> flushed() {
        return List.copyOf(flushed);
    }

    public int flushes() {
        return flushes;
    }

    public void overLimit(boolean value) {
        this.overLimit = value;
    }

    public boolean readingPaused() {
        return readingPaused;
    }

    /** The close code the session closed with, or {@code null}. */
    public Integer closeCode() {
        return closeCode;
    }
}
