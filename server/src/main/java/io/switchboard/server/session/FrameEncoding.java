package io.switchboard.server.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** How a transport puts a frame on its wire; a shared frame is encoded once per encoding. */
public interface FrameEncoding {
    /** The wire bytes of one frame whose JSON is {@code json}. */
    ByteBuf encode(ByteBufAllocator allocator, byte[] json);
}
