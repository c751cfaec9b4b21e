package io.switchboard.server.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.switchboard.server.session.FrameEncoding;

/**
 * A frame as the bare payload of a WebSocket text message, for connections that compress: each
 * one wraps it in a frame object and the extension's encoder deflates it.
 */
final class WebSocketPayloadEncoding implements FrameEncoding {
    static final WebSocketPayloadEncoding INSTANCE = new WebSocketPayloadEncoding();

    private WebSocketPayloadEncoding() {
    }

    @Override
    public ByteBuf encode(ByteBufAllocator allocator, byte[] json) {
        return allocator.directBuffer(json.length).writeBytes(json);
    }
}
