package io.switchboard.server.transport.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.switchboard.server.session.FrameEncoding;

/** A frame as its bare JSON: SSE and long-polling sessions number and wrap each frame themselves. */
final class JsonFrameEncoding implements FrameEncoding {
    static final JsonFrameEncoding INSTANCE = new JsonFrameEncoding();

    private JsonFrameEncoding() {
    }

    @Override
    public ByteBuf encode(ByteBufAllocator allocator, byte[] json) {
        return allocator.heapBuffer(json.length).writeBytes(json);
    }
}
