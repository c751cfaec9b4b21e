package io.switchboard.server.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/** Aggregates HTTP requests up to a size; a larger one is answered 413 with a problem document. */
public final class ProblemAggregator extends HttpObjectAggregator {
    private final int maxContentLength;

    public ProblemAggregator(int maxContentLength) {
        super(maxContentLength);
        this.maxContentLength = maxContentLength;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        FullHttpResponse response = HttpResponses.problemResponse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "the body is larger than " + maxContentLength + " bytes");
        // The rest of the body may still be on its way. Closing now could reset the connection
        // before the client reads this answer; instead the aggregator drops the rest of the body,
        // and a keep-alive connection stays usable.
        boolean keepAlive = HttpUtil.isKeepAlive(oversized);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
