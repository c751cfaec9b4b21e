package io.switchboard.server.hub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AbstractReferenceCounted;
import io.switchboard.server.session.FrameEncoding;

/**
 * One frame bound for many connections: its JSON, and its wire bytes per encoding, each built
 * the first time a connection of that encoding needs it and then shared by duplicates.
 */
final class SharedFrame extends AbstractReferenceCounted {
    private static final int MAX_ENCODINGS = 8;

    private final byte[] json;
    private final ByteBufAllocator allocator;
    private final long arrivedNanos;
    private final FrameEncoding[] encodings = new FrameEncoding[MAX_ENCODINGS];
    private final ByteBuf[] encoded = new ByteBuf[MAX_ENCODINGS];

    SharedFrame(byte[] json, ByteBufAllocator allocator) {
        this.json = json;
        this.allocator = allocator;
        this.arrivedNanos = System.nanoTime();
    }

    /** When the frame reached the hub ({@link System#nanoTime()}). */
    long arrivedNanos() {
        return arrivedNanos;
    }

    /** The frame's JSON. */
    byte[] json() {
        return json;
    }

    /** The frame's bytes in {@code encoding}; the frame keeps ownership, callers duplicate. */
    synchronized ByteBuf encoded(FrameEncoding encoding) {
        for (int i = 0; i < MAX_ENCODINGS; i++) {
            if (encodings[i] == encoding) {
                return encoded[i];
            }
            if (encodings[i] == null) {
                encodings[i] = encoding;
                encoded[i] = encoding.encode(allocator, json);
                return encoded[i];
            }
        }
        throw new IllegalStateException("more than " + MAX_ENCODINGS + " frame encodings in use");
    }

    @Override
    protected synchronized void deallocate() {
        for (int i = 0; i < MAX_ENCODINGS && encoded[i] != null; i++) {
            encoded[i].release();
            encoded[i] = null;
        }
    }

    @Override
    public SharedFrame touch(Object hint) {
        return this;
    }
}
