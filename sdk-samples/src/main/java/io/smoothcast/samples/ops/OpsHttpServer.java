package io.smoothcast.samples.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.smoothcast.transport.OpsMonitor;
import io.smoothcast.transport.metrics.OpsMetrics;
import io.smoothcast.transport.metrics.PrometheusText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's HTTP endpoint of a relay or sample app, on Netty:
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus scrape, text exposition format 0.0.4;</li>
 *   <li>{@code GET /}: the live dashboard (uPlot charts, served from the uPlot WebJar);</li>
 *   <li>{@code GET /events}: server-sent events, one JSON {@link DashboardView} per second;</li>
 *   <li>{@code GET /diag}: the diagnostics bundle (JSON, secrets redacted).</li>
 * </ul>
 * Only GET is served; requests are capped at {@value #MAX_REQUEST_BYTES} bytes and at most
 * {@value #MAX_EVENT_STREAMS} event streams are open at once. Bind it to 127.0.0.1 (the default)
 * or behind an authenticating proxy: it has no authentication of its own.
 *
 * <p>Thread-safe; runs on one I/O thread of its own.
 */
public final class OpsHttpServer implements AutoCloseable {

    /** Largest request accepted, bytes. */
    public static final int MAX_REQUEST_BYTES = 8192;
    /** Event streams open at once; more are refused with 503. */
    public static final int MAX_EVENT_STREAMS = 32;
    /** Interval between dashboard events, ms. */
    public static final long EVENT_INTERVAL_MS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(OpsHttpServer.class);
    private static final String UPLOT_DIR = "META-INF/resources/webjars/uplot/1.6.30/dist/";

    private final OpsMonitor monitor;
    /** One for all scrapes, so that stream counters keep what departed viewers counted. */
    private final OpsMetrics metrics = new OpsMetrics();
    private final Supplier<byte[]> diagnostics;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicInteger eventStreams = new AtomicInteger();
    private final byte[] dashboardHtml;
    private final byte[] uplotJs;
    private final byte[] uplotCss;
    private final EventLoopGroup group;
    private final Channel channel;

    private OpsHttpServer(OpsMonitor monitor, Supplier<byte[]> diagnostics, InetSocketAddress bind) {
        this.monitor = monitor;
        this.diagnostics = diagnostics;
        this.dashboardHtml = resource(OpsHttpServer.class, "dashboard.html");
        this.uplotJs = resource(null, UPLOT_DIR + "uPlot.iife.min.js");
        this.uplotCss = resource(null, UPLOT_DIR + "uPlot.min.css");
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            this.channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(4096, 8192, MAX_REQUEST_BYTES))
                                    .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                    .addLast(new Handler());
                        }
                    }).bind(bind).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Starts serving.
     *
     * @param monitor the monitor whose snapshots are served; not null
     * @param diagnostics makes the diagnostics bundle on request (runs on the server's I/O thread); not null
     * @param bind the address to listen on (port 0 picks a free one); not null
     * @return the running server
     */
    public static OpsHttpServer start(OpsMonitor monitor, Supplier<byte[]> diagnostics, InetSocketAddress bind) {
        if (monitor == null || diagnostics == null || bind == null) {
            throw new IllegalArgumentException("monitor, diagnostics and bind must not be null");
        }
        return new OpsHttpServer(monitor, diagnostics, bind);
    }

    /** @return the bound address */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** @return the dashboard's URL, for example {@code http://127.0.0.1:8080/} */
    public String url() {
        InetSocketAddress a = localAddress();
        return "http://" + a.getHostString() + ":" + a.getPort() + "/";
    }

    /** Closes the listening socket and every connection. Idempotent. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static byte[] resource(Class<?> owner, String name) {
        try (InputStream in = owner != null ? owner.getResourceAsStream(name)
                : OpsHttpServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8", bytes("bad request\n"));
                return;
            }
            if (request.method() != HttpMethod.GET) {
                respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                        bytes("only GET\n"));
                return;
            }
            String path = request.uri();
            int query = path.indexOf('?');
            if (query >= 0) {
                path = path.substring(0, query);
            }
            switch (path) {
                case "/metrics" -> respond(ctx, request, HttpResponseStatus.OK, PrometheusText.CONTENT_TYPE,
                        bytes(PrometheusText.write(metrics.families(monitor.latest()))));
                case "/", "/index.html" -> respond(ctx, request, HttpResponseStatus.OK, "text/html; charset=utf-8",
                        dashboardHtml);
                case "/uplot.min.js" -> respond(ctx, request, HttpResponseStatus.OK,
                        "application/javascript; charset=utf-8", uplotJs);
                case "/uplot.min.css" -> respond(ctx, request, HttpResponseStatus.OK, "text/css; charset=utf-8", uplotCss);
                case "/snapshot.json" -> respond(ctx, request, HttpResponseStatus.OK, "application/json",
                        dashboardJson());
                case "/diag" -> respondDiagnostics(ctx, request);
                case "/events" -> openEventStream(ctx);
                default -> respond(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                        bytes("not found\n"));
            }
        }

        private void openEventStream(ChannelHandlerContext ctx) {
            if (eventStreams.incrementAndGet() > MAX_EVENT_STREAMS) {
                eventStreams.decrementAndGet();
                FullHttpResponse busy = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.SERVICE_UNAVAILABLE, Unpooled.wrappedBuffer(bytes("too many event streams\n")));
                busy.headers().set(HttpHeaderNames.CONTENT_LENGTH, busy.content().readableBytes());
                ctx.writeAndFlush(busy).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ctx.writeAndFlush(head);
            ScheduledFuture<?> task = ctx.executor().scheduleAtFixedRate(() -> {
                if (!ctx.channel().isActive()) {
                    return;
                }
                ByteBuf event = Unpooled.buffer();
                event.writeCharSequence("data: ", StandardCharsets.UTF_8);
                event.writeBytes(dashboardJson());
                event.writeCharSequence("\n\n", StandardCharsets.UTF_8);
                ctx.writeAndFlush(new DefaultHttpContent(event));
            }, 0, EVENT_INTERVAL_MS, TimeUnit.MILLISECONDS);
            ctx.channel().closeFuture().addListener(f -> {
                task.cancel(false);
                eventStreams.decrementAndGet();
            });
        }

        private void respondDiagnostics(ChannelHandlerContext ctx, FullHttpRequest request) {
            byte[] bundle;
            try {
                bundle = diagnostics.get();
            } catch (RuntimeException e) {
                LOG.warn("diagnostics bundle failed", e);
                respond(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8",
                        bytes("diagnostics bundle failed: " + e.getClass().getSimpleName() + "\n"));
                return;
            }
            respond(ctx, request, HttpResponseStatus.OK, "application/json", bundle);
        }

        private byte[] dashboardJson() {
            try {
                return json.writeValueAsBytes(DashboardView.of(monitor.latest()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("dashboard view is not serializable", e);
            }
        }

        private void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                String contentType, byte[] body) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("ops HTTP connection failed", cause);
            ctx.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
