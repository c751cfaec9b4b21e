package io.switchboard.client;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;

/** The SDK's end of the connection: hands frames, rejections and the close to its client. */
final class ClientChannelHandler extends WebSocketClientHandler {
    private final SwitchboardClient client;
    private final long generation;
    private Throwable failure;

    ClientChannelHandler(SwitchboardClient client, long generation, URI uri, HttpHeaders headers, boolean autoPong,
                         int maxFrameBytes) {
        super(uri, headers, autoPong, maxFrameBytes);
        this.client = client;
        this.generation = generation;
    }

    @Override
    protected void onText(ByteBuf content) {
        client.onText(generation, content);
    }

    @Override
    protected void onHandshakeRejected(int status, String body) {
        client.onHandshakeRejected(generation, status, body);
    }

    @Override
    protected void onFailure(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        super.onFailure(cause);
    }

    /** The connection closed; a failure that closed it (a refused TLS handshake, say) goes with it. */
    @Override
    protected void onClosed(int code, String reason) {
        String why = failure == null ? reason : reason + ": " + failure.getMessage();
        client.onConnectionLost(generation, new Events.Closed(code, why), failure);
    }
}
