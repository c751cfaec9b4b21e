package io.switchboard.server.transport.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.grpc.ProtoFrames;
import io.switchboard.protocol.grpc.v1.Subscribed;
import io.switchboard.protocol.grpc.v1.SubscribeEvent;
import io.switchboard.server.session.FrameEncoding;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The protocol's JSON frames as the serialized messages of the gRPC streams: each frame is
 * serialized once per event loop and its bytes shared by every stream of that loop.
 */
final class GrpcFrames {
    /** {@code Connect}: every frame, as a {@code ServerFrame}. */
    static final FrameEncoding SERVER_FRAMES = (allocator, json) -> Unpooled.wrappedBuffer(serverFrame(json));

    /** {@code Subscribe}: room messages only, as {@code SubscribeEvent}s; other frames are not sent. */
    static final FrameEncoding SUBSCRIBE_EVENTS = (allocator, json) -> {
        byte[] event = subscribeMessage(json);
        return event == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(event);
    };

    private GrpcFrames() {
    }

    static byte[] serverFrame(byte[] json) {
        return ProtoFrames.toProto(parse(json)).toByteArray();
    }

    /** The {@code SubscribeEvent} of a room message frame, or {@code null} for any other frame. */
    static byte[] subscribeMessage(byte[] json) {
        ObjectNode frame = parse(json);
        if (!frame.path("type").asText().equals("message")) {
            return null;
        }
        return SubscribeEvent.newBuilder().setMessage(ProtoFrames.message(frame)).build().toByteArray();
    }

    /** The {@code subscribed} event that answers the join of a room. */
    static byte[] subscribed(JsonNode ack) {
        Subscribed.Builder subscribed = Subscribed.newBuilder().setRoom(ack.path("room").asText())
                .setPosition(ProtoFrames.position(ack));
        if (ack.has("recovered")) {
            subscribed.setRecovered(ack.get("recovered").asBoolean());
        }
        return SubscribeEvent.newBuilder().setSubscribed(subscribed).build().toByteArray();
    }

    static ObjectNode parse(byte[] json) {
        try {
            return (ObjectNode) Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a server frame is not JSON", e);
        }
    }

    /**
     * The message bytes {@code encoded} holds. A frame encoded here wraps its serialized message
     * (no copy), and every stream it is fanned out to gets a duplicate of that buffer: their
     * bytes are that one array, handed to gRPC as it is, for every stream. gRPC only reads it.
     * Any other buffer is copied out.
     */
    static byte[] messageBytes(ByteBuf encoded) {
        if (encoded.hasArray() && encoded.arrayOffset() + encoded.readerIndex() == 0
                && encoded.readableBytes() == encoded.array().length) {
            return encoded.array();
        }
        return ByteBufUtil.getBytes(encoded);
    }
}
