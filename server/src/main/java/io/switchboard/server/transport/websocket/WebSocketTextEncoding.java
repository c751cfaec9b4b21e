package io.switchboard.server.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.switchboard.server.session.FrameEncoding;

/**
 * A frame as one unmasked, final WebSocket text message (RFC 6455 §5.2), header included. Built
 * once per publication and written as is by every connection, past the per-message encoder.
 */
public final class WebSocketTextEncoding implements FrameEncoding {
    public static final WebSocketTextEncoding INSTANCE = new WebSocketTextEncoding();

    private static final int FIN_TEXT = 0x81;
    private static final int LENGTH_16 = 126;
    private static final int LENGTH_64 = 127;

    private WebSocketTextEncoding() {
    }

    @Override
    public ByteBuf encode(ByteBufAllocator allocator, byte[] json) {
        int length = json.length;
        int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuf out = allocator.directBuffer(header + length);
        out.writeByte(FIN_TEXT);
        if (length <= 125) {
            out.writeByte(length);
        } else if (length <= 0xFFFF) {
            out.writeByte(LENGTH_16);
            out.writeShort(length);
        } else {
            out.writeByte(LENGTH_64);
            out.writeLong(length);
        }
        out.writeBytes(json);
        return out;
    }
}
