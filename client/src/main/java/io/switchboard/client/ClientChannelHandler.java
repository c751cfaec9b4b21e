package io.switchboard.client;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;

/** The SDK's end of the connection: hands frames, rejections and the close to its client. */
final class ClientChannelHandler extends WebSocketClientHandler {
    private final SwitchboardClient client;

    ClientChannelHandler(SwitchboardClient client, URI uri, HttpHeaders headers, boolean autoPong, int maxFrameBytes) {
        super(uri, headers, autoPong, maxFrameBytes);
        this.client = client;
    }

    @Override
    protected void onText(ByteBuf content) {
        client.onText(content);
    }

    @Override
    protected void onHandshakeRejected(int status, String body) {
        client.onHandshakeRejected(status, body);
    }

    @Override
    protected void onClosed(int code, String reason) {
        client.onClosed(new Events.Closed(code, reason), null);
    }
}
