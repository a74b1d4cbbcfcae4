package io.coord.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.coord.server.auth.AuthPolicy;
import io.coord.server.config.AdminConfig;
import io.coord.server.storage.SnapshotStore;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper 3.9's {@code snapshot} and {@code restore} admin commands, shared by every connection
 * of one AdminServer. Both can be turned off (admin.snapshot.enabled, admin.restore.enabled: 503),
 * need ALL on {@code /} through the {@code Authorization} header ({@link AdminAuth}: 401/403) and
 * run at most once per admin.rateLimiterIntervalInMS each (429).
 *
 * <p>snapshot ({@code GET .../snapshot?streaming=true}, streaming the default): the server takes a
 * snapshot exactly as its periodic ones (a consistent view of the committed tree; writes go on) and
 * the file, in Coord's snapshot format with its block CRCs, is the response body. Headers:
 * ZooKeeper's {@code last_zxid} ({@code 0x}hex) and {@code snapshot_size}, and Coord's
 * {@code snapshot_crc32c} (the whole file's CRC32C, hex), so the receiver checks what arrived.
 * With {@code streaming=false} the answer is the JSON alone, with the same headers.
 *
 * <p>restore ({@code POST .../restore}, the snapshot as the body): see {@link RestoreUpload}.
 */
public final class SnapshotCommands {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCommands.class);
    static final String LAST_ZXID = "last_zxid";
    static final String SNAPSHOT_SIZE = "snapshot_size";
    static final String SNAPSHOT_CRC32C = "snapshot_crc32c";
    /** How long a snapshot command waits for the snapshot to be written before answering 503. */
    static final long SNAPSHOT_TIMEOUT_MS = 10 * 60_000;
    private static final int CHUNK_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    final AdminConfig config;
    final AdminAuth auth;
    final DataTransfer transfer;
    final RateLimiter snapshotLimiter;
    final RateLimiter restoreLimiter;
    /** One restore at a time. */
    final AtomicBoolean restoring = new AtomicBoolean();

    /** The process's figures: refused and failed commands and restore times are counted there. */
    final ProcessFigures figures;
    /** The monotonic clock in ms of the rate limits, which also times restores. */
    final LongSupplier nowMs;

    /** @param nowMs a monotonic clock in milliseconds, for the rate limits */
    public SnapshotCommands(AdminConfig config, DataTransfer transfer, AuthPolicy policy, LongSupplier nowMs) {
        this(config, transfer, policy, nowMs, new ProcessFigures());
    }

    /** As above, counting into {@code figures} (the server's process figures, so they show in its monitor). */
    public SnapshotCommands(AdminConfig config, DataTransfer transfer, AuthPolicy policy, LongSupplier nowMs,
                            ProcessFigures figures) {
        this.figures = figures;
        this.nowMs = nowMs;
        this.config = config;
        this.transfer = transfer;
        this.auth = new AdminAuth(policy, transfer);
        this.snapshotLimiter = new RateLimiter(config.rateLimiterIntervalMs(), nowMs);
        this.restoreLimiter = new RateLimiter(config.rateLimiterIntervalMs(), nowMs);
    }

    /** Answers {@code GET <commandURL>/snapshot}. */
    void snapshot(ChannelHandlerContext ctx, HttpRequest request) {
        String name = AdminCommand.SNAPSHOT.primaryName();
        if (!config.snapshotEnabled()) {
            respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, name,
                    "the snapshot command is disabled (admin.snapshot.enabled=false)", Map.of());
            return;
        }
        List<String> streamingParam = new QueryStringDecoder(request.uri()).parameters().get("streaming");
        boolean streaming = streamingParam == null || streamingParam.isEmpty()
                || Boolean.parseBoolean(streamingParam.get(0));
        hold(ctx);
        // Authorized and within the rate: from then on a failure is ZooKeeper's snapshot_error_count.
        AtomicBoolean admitted = new AtomicBoolean();
        auth.requireAllOnRoot(request.headers().get(HttpHeaderNames.AUTHORIZATION), AdminAuth.Caller.of(ctx))
                .thenCompose(authorized -> {
                    if (!snapshotLimiter.tryAcquire()) {
                        figures.snapshotRateLimited();
                        throw new AdminAuth.CommandRefused(HttpResponseStatus.TOO_MANY_REQUESTS,
                                "rate limited: one snapshot per admin.rateLimiterIntervalInMS ("
                                        + config.rateLimiterIntervalMs() + " ms)");
                    }
                    admitted.set(true);
                    return transfer.takeSnapshot();
                })
                .orTimeout(SNAPSHOT_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .whenComplete((zxid, failure) -> ctx.executor().execute(() -> {
                    if (failure != null) {
                        if (admitted.get()) {
                            figures.snapshotFailed(); // taking the snapshot failed or timed out
                        }
                        fail(ctx, name, failure);
                    } else {
                        send(ctx, zxid, streaming);
                    }
                }));
    }

    private void send(ChannelHandlerContext ctx, long zxid, boolean streaming) {
        String name = AdminCommand.SNAPSHOT.primaryName();
        SnapshotStore.OpenedSnapshot snap;
        try {
            snap = transfer.openSnapshot(zxid);
        } catch (IOException e) {
            figures.snapshotFailed();
            fail(ctx, name, e);
            return;
        }
        Map<String, String> headers = Map.of(LAST_ZXID, "0x" + Long.toHexString(zxid),
                SNAPSHOT_SIZE, Long.toString(snap.sizeBytes()), SNAPSHOT_CRC32C, String.format("%08x", snap.crc32c()));
        LOG.info("admin snapshot: {} at zxid 0x{} ({} bytes) for {}", streaming ? "streaming" : "took",
                Long.toHexString(zxid), snap.sizeBytes(), ctx.channel().remoteAddress());
        if (!streaming) {
            closeQuietly(snap);
            respond(ctx, HttpResponseStatus.OK, name, null, headers);
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, snap.sizeBytes());
        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        headers.forEach((k, v) -> head.headers().set(k, v));
        ctx.write(head);
        try {
            ctx.writeAndFlush(new HttpChunkedInput(new ChunkedNioFile(snap.channel(), 0, snap.sizeBytes(), CHUNK_BYTES)))
                    .addListener(ChannelFutureListener.CLOSE);
        } catch (IOException e) {
            figures.snapshotFailed();
            closeQuietly(snap);
            ctx.close();
        }
    }

    /** Answers a failed or refused command (the connection is closed after it). */
    void fail(ChannelHandlerContext ctx, String name, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof AdminAuth.CommandRefused r) {
            LOG.warn("admin {} from {} refused: {}", name, ctx.channel().remoteAddress(), r.getMessage());
            respond(ctx, r.status(), name, r.getMessage(), Map.of());
        } else if (cause instanceof TimeoutException) {
            respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, name, "the server did not answer in time", Map.of());
        } else if (cause instanceof IllegalStateException) {
            respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, name, cause.getMessage(), Map.of());
        } else {
            LOG.warn("admin {} failed: {}", name, cause.toString(), cause);
            respond(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, name, name + " failed: " + cause.getMessage(),
                    Map.of());
        }
    }

    /** A JSON answer with extra headers; the connection is closed after it. */
    static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String name, String error,
                        Map<String, ?> fieldsAndHeaders) {
        respond(ctx, status, CommandAnswers.error(name, error), fieldsAndHeaders);
    }

    static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, Map<String, Object> body,
                        Map<String, ?> headers) {
        byte[] bytes;
        try {
            bytes = (JSON.writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            bytes = "{\"error\": \"Exception writing command response to JSON\"}\n".getBytes(StandardCharsets.UTF_8);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        HttpHeaders h = r.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        headers.forEach((k, v) -> h.set(k, String.valueOf(v)));
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    /** Stops reading while the command runs, and lifts admin.idleTimeout: a snapshot may take long. */
    static void hold(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(false);
        if (ctx.pipeline().get(IdleStateHandler.class) != null) {
            ctx.pipeline().remove(IdleStateHandler.class);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing: {}", e.toString());
        }
    }
}
