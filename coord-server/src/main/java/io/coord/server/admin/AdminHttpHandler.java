package io.coord.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.coord.server.admin.console.ConsoleRoutes;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection of the AdminServer. Requests on a connection are answered one at a time:
 * reading pauses while a command waits for the request thread, so pipelined requests are answered
 * in order and a client cannot queue unbounded work.
 */
final class AdminHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHttpHandler.class);
    /** How long a command waits for the request thread before answering 503. */
    static final long STATUS_TIMEOUT_MS = 5_000;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String commandUrl;
    private final StatusSource source;
    private final CommandAnswers answers;
    /** The snapshot and restore commands; null when this server does not offer them. */
    private final SnapshotCommands snapshots;
    /** The web console; null when not served. */
    private final ConsoleRoutes console;

    AdminHttpHandler(String commandUrl, StatusSource source, CommandAnswers answers, SnapshotCommands snapshots,
                     ConsoleRoutes console) {
        this.commandUrl = commandUrl;
        this.console = console;
        this.source = source;
        this.answers = answers;
        this.snapshots = snapshots;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            // Line or headers too long, or not HTTP: 400 (413 for an oversized body comes from the aggregator).
            text(ctx, HttpResponseStatus.BAD_REQUEST, "bad request\n", false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.POST)) {
            text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET (and POST) are served\n", keepAlive);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (console != null && ConsoleRoutes.handles(path)) {
            console.handle(ctx, request, keepAlive);
            return;
        }
        if (path.equals(commandUrl) || path.equals(commandUrl + "/")) {
            html(ctx, commandList(), keepAlive);
            return;
        }
        if (!path.startsWith(commandUrl + "/")) {
            text(ctx, HttpResponseStatus.NOT_FOUND, "not found; commands are under " + commandUrl + "\n", keepAlive);
            return;
        }
        String name = path.substring(commandUrl.length() + 1);
        Optional<AdminCommand> command = AdminCommand.find(name);
        if (command.isEmpty()) {
            // As ZooKeeper: HTTP 200 with the error in the JSON, so existing scripts see the same answer.
            json(ctx, HttpResponseStatus.OK, CommandAnswers.error(name, "Unknown command: " + name), keepAlive);
            return;
        }
        if (snapshots != null && command.get() == AdminCommand.SNAPSHOT) {
            snapshots.snapshot(ctx, request);
            return;
        }
        if (snapshots != null && command.get() == AdminCommand.RESTORE) {
            // A POST restore never gets here (RestoreUpload takes it before the aggregator).
            json(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, CommandAnswers.error(AdminCommand.RESTORE.primaryName(),
                    "restore takes the snapshot as the body of a POST"), false);
            return;
        }
        run(ctx, command.get(), keepAlive);
    }

    private void run(ChannelHandlerContext ctx, AdminCommand command, boolean keepAlive) {
        if (!command.needsStatus()) {
            Map<String, Object> answer = answers.answer(command, null);
            HttpResponseStatus status = answer.get("error") == null ? HttpResponseStatus.OK
                    : HttpResponseStatus.NOT_IMPLEMENTED; // snapshot, restore
            json(ctx, status, answer, keepAlive);
            return;
        }
        ctx.channel().config().setAutoRead(false);
        source.status(command.scope()).orTimeout(STATUS_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .whenComplete((status, failure) -> ctx.executor().execute(() -> {
                    ctx.channel().config().setAutoRead(true);
                    if (failure != null) {
                        json(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, CommandAnswers.error(command.primaryName(),
                                "the server is not running or did not answer in time"), false);
                        return;
                    }
                    try {
                        json(ctx, HttpResponseStatus.OK, answers.answer(command, status), keepAlive);
                    } catch (RuntimeException e) {
                        LOG.warn("admin command {} failed: {}", command.primaryName(), e.toString(), e);
                        json(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                                CommandAnswers.error(command.primaryName(), "internal error: " + e), false);
                    }
                }));
    }

    private String commandList() {
        StringBuilder sb = new StringBuilder("<html><body>\n<h1>Coord AdminServer commands</h1>\n");
        for (AdminCommand c : AdminCommand.values()) {
            sb.append("<a href=\"").append(commandUrl).append('/').append(c.primaryName()).append("\">")
                    .append(c.primaryName()).append("</a><br/>\n");
        }
        return sb.append("</body></html>\n").toString();
    }

    private static void json(ChannelHandlerContext ctx, HttpResponseStatus status, Map<String, Object> body,
                             boolean keepAlive) {
        String text;
        try {
            text = JSON.writeValueAsString(body) + "\n";
        } catch (JsonProcessingException e) {
            status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
            text = "{\"error\": \"Exception writing command response to JSON\"}\n";
        }
        send(ctx, status, "application/json", text, keepAlive);
    }

    private static void html(ChannelHandlerContext ctx, String body, boolean keepAlive) {
        send(ctx, HttpResponseStatus.OK, "text/html; charset=utf-8", body, keepAlive);
    }

    private static void text(ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean keepAlive) {
        send(ctx, status, "text/plain; charset=utf-8", body, keepAlive);
    }

    private static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String contentType, String body,
                             boolean keepAlive) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            ctx.close(); // admin.idleTimeout
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("admin connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
