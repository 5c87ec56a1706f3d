package io.dualhub.edge.api;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import jakarta.inject.Singleton;

/**
 * Keeps the HTTP server from inflating a remote-write body itself: Prometheus sends snappy's block format under
 * {@code Content-Encoding: snappy}, which the server would take for snappy's framing format and fail on (500). On a
 * request of type {@value WriteController#PROTOBUF} that header is removed as the request comes in, so the body
 * reaches {@link RemoteWrites} as sent, and is inflated there.
 */
@Singleton
public class RemoteWriteBodyPassThrough implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
    private static final String HANDLER = "dualhub-remote-write-body";

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        NettyServerCustomizer.Registry registry = event.getBean();
        registry.register(new Customizer(null));
        return registry;
    }

    private record Customizer(Channel channel) implements NettyServerCustomizer {
        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return new Customizer(channel);
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (channel != null
                    && channel.pipeline().get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) != null
                    && channel.pipeline().get(HANDLER) == null) {
                channel.pipeline().addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, HANDLER, KEEP_SNAPPY);
            }
        }
    }

    private static final ChannelHandler KEEP_SNAPPY = new KeepSnappy();

    @ChannelHandler.Sharable
    private static final class KeepSnappy extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request
                    && "snappy".equalsIgnoreCase(request.headers().get(HttpHeaderNames.CONTENT_ENCODING))
                    && request.headers().get(HttpHeaderNames.CONTENT_TYPE, "").startsWith(WriteController.PROTOBUF)) {
                request.headers().remove(HttpHeaderNames.CONTENT_ENCODING);
            }
            ctx.fireChannelRead(msg);
        }
    }
}
