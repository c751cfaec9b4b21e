package io.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/** A {@link Link} over the Netty channel of a WebSocket connection; commands travel as text frames. */
final class WebSocketLink implements Link {
    private final Channel channel;

    WebSocketLink(Channel channel) {
        this.channel = channel;
    }

    @Override
    public boolean isActive() {
        return channel.isActive();
    }

    @Override
    public void send(JsonNode command) {
        sendText(command.toString());
    }

    @Override
    public void sendText(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text));
    }

    @Override
    public void pauseReading() {
        channel.config().setAutoRead(false);
    }

    @Override
    public void resumeReading() {
        channel.config().setAutoRead(true);
        channel.read();
    }

    /** Sends a close frame 1000; the server's close frame in answer ends the connection. */
    @Override
    public void closeGracefully() {
        channel.writeAndFlush(new CloseWebSocketFrame(1000, "bye"));
    }

    @Override
    public void abort() {
        channel.close();
    }

    @Override
    public void abortAndWait() {
        channel.close().syncUninterruptibly();
    }
}
