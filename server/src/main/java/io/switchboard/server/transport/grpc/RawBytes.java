package io.switchboard.server.transport.grpc;

import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Messages that are serialized already: a frame fanned out to many gRPC streams is turned into
 * protobuf bytes once (by its frame encoding) and those bytes go out as they are.
 */
final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
    static final RawBytes MARSHALLER = new RawBytes();

    private RawBytes() {
    }

    @Override
    public InputStream stream(byte[] value) {
        return new Known(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tells gRPC the size up front, so it frames the message without copying it first. */
    private static final class Known extends ByteArrayInputStream implements KnownLength {
        Known(byte[] bytes) {
            super(bytes);
        }
    }
}
