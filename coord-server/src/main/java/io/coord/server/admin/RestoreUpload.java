package io.coord.server.admin;

import io.coord.server.storage.CorruptFileException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST <commandURL>/restore} with a snapshot as the body, streamed to a staging file (it
 * may be far larger than any request the AdminServer otherwise takes). Sits before the request
 * aggregator and lets every other request through. In order: enabled (503), authorized (401/403),
 * rate (429), one restore at a time (409); only then is the body accepted (a client that sent
 * {@code Expect: 100-continue} gets its 100 here). The whole file is then verified by
 * {@link DataTransfer#restore} before anything is touched: a damaged file is 400 and the server's
 * state is untouched. An optional {@code snapshot_crc32c} request header (hex, as the snapshot
 * command sends it) is checked against the whole file.
 */
final class RestoreUpload extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreUpload.class);
    private static final String NAME = AdminCommand.RESTORE.primaryName();

    private enum State { IDLE, AUTHORIZING, RECEIVING, DISCARDING, FINISHING }

    private final String commandUrl;
    private final SnapshotCommands shared;
    private State state = State.IDLE;
    private HttpRequest head;
    /** Body parts that arrived while the request was being authorized. */
    private final List<HttpContent> early = new ArrayList<>();
    private Path file;
    private FileChannel out;
    private boolean ownsRestore;
    /** When the body began to be accepted (the rate limits' clock, ms): restore_time runs from here. */
    private long receivingSinceMs;

    RestoreUpload(String commandUrl, SnapshotCommands shared) {
        this.commandUrl = commandUrl;
        this.shared = shared;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.IDLE && msg instanceof HttpRequest req && isRestore(req)) {
            ReferenceCountUtil.release(msg);
            start(ctx, req);
        } else if (state != State.IDLE && msg instanceof HttpContent c) {
            try {
                content(ctx, c);
            } finally {
                c.release();
            }
        } else if (state != State.IDLE) {
            ReferenceCountUtil.release(msg); // a pipelined request after a restore: the connection closes
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private boolean isRestore(HttpRequest req) {
        if (!req.method().equals(HttpMethod.POST) || !req.decoderResult().isSuccess()) {
            return false;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        return AdminCommand.RESTORE.names().stream().anyMatch(n -> path.equals(commandUrl + "/" + n));
    }

    private void start(ChannelHandlerContext ctx, HttpRequest req) {
        head = req;
        if (!shared.config.restoreEnabled()) {
            state = State.DISCARDING;
            SnapshotCommands.respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, NAME,
                    "the restore command is disabled (admin.restore.enabled=false)", Map.of());
            return;
        }
        state = State.AUTHORIZING;
        SnapshotCommands.hold(ctx);
        shared.auth.requireAllOnRoot(req.headers().get(HttpHeaderNames.AUTHORIZATION), AdminAuth.Caller.of(ctx))
                .thenApply(authorized -> {
                    if (!shared.restoreLimiter.tryAcquire()) {
                        shared.figures.restoreRateLimited();
                        throw new AdminAuth.CommandRefused(HttpResponseStatus.TOO_MANY_REQUESTS,
                                "rate limited: one restore per admin.rateLimiterIntervalInMS ("
                                        + shared.config.rateLimiterIntervalMs() + " ms)");
                    }
                    if (!shared.restoring.compareAndSet(false, true)) {
                        throw new AdminAuth.CommandRefused(HttpResponseStatus.CONFLICT, "a restore is already running");
                    }
                    return authorized;
                })
                .orTimeout(AdminHttpHandler.STATUS_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .whenComplete((ok, failure) -> ctx.executor().execute(() -> {
                    if (failure != null) {
                        refuse(ctx, failure);
                    } else {
                        ownsRestore = true;
                        receive(ctx);
                    }
                }));
    }

    /** A restore that was authorized and within its rate failed: ZooKeeper's restore_error_count. */
    private void failAccepted(ChannelHandlerContext ctx, Throwable failure) {
        shared.figures.restoreFailed();
        cleanUp();
        refuse(ctx, failure);
    }

    private void refuse(ChannelHandlerContext ctx, Throwable failure) {
        state = State.DISCARDING;
        early.forEach(HttpContent::release);
        early.clear();
        shared.fail(ctx, NAME, failure);
    }

    private void receive(ChannelHandlerContext ctx) {
        try {
            file = Files.createTempFile(shared.transfer.stagingDirectory(), "restore-upload-", ".tmp");
            out = FileChannel.open(file, StandardOpenOption.WRITE);
        } catch (IOException e) {
            failAccepted(ctx, e);
            return;
        }
        receivingSinceMs = shared.nowMs.getAsLong();
        state = State.RECEIVING;
        if (HttpUtil.is100ContinueExpected(head)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        List<HttpContent> parts = new ArrayList<>(early);
        early.clear();
        for (HttpContent c : parts) {
            try {
                content(ctx, c);
            } finally {
                c.release();
            }
        }
        if (state == State.RECEIVING) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void content(ChannelHandlerContext ctx, HttpContent c) {
        switch (state) {
            case AUTHORIZING -> early.add(c.retain());
            case RECEIVING -> {
                try {
                    ByteBuffer bytes = c.content().nioBuffer();
                    while (bytes.hasRemaining()) {
                        out.write(bytes);
                    }
                } catch (IOException e) {
                    failAccepted(ctx, e);
                    return;
                }
                if (c instanceof LastHttpContent) {
                    finish(ctx);
                }
            }
            default -> { } // DISCARDING, FINISHING
        }
    }

    /** The body is complete: verify and install it off the event loop, then answer. */
    private void finish(ChannelHandlerContext ctx) {
        state = State.FINISHING;
        ctx.channel().config().setAutoRead(false);
        Integer crc;
        try {
            out.close();
            String announced = head.headers().get(SnapshotCommands.SNAPSHOT_CRC32C);
            crc = announced == null ? null : Integer.parseUnsignedInt(announced.trim(), 16);
        } catch (IOException | NumberFormatException e) {
            failAccepted(ctx, new AdminAuth.CommandRefused(HttpResponseStatus.BAD_REQUEST, "bad upload: " + e.getMessage()));
            return;
        }
        Thread worker = new Thread(() -> install(ctx, crc), "coord-admin-restore");
        worker.setDaemon(true);
        worker.start();
    }

    private void install(ChannelHandlerContext ctx, Integer crc) {
        HttpResponseStatus status;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", NAME);
        try {
            DataTransfer.Restored r = shared.transfer.restore(file, crc);
            status = HttpResponseStatus.OK;
            body.put("error", null);
            body.put(SnapshotCommands.LAST_ZXID, r.zxid());
            body.put("snapshot_zxid", r.snapshotZxid());
            body.put("node_count", r.nodeCount());
            body.put("session_count", r.sessionCount());
        } catch (CorruptFileException e) {
            status = HttpResponseStatus.BAD_REQUEST;
            body.put("error", "the snapshot does not verify; nothing was changed: " + e.getMessage());
        } catch (UnsupportedOperationException e) {
            status = HttpResponseStatus.CONFLICT;
            body.put("error", e.getMessage());
        } catch (IllegalStateException e) {
            status = HttpResponseStatus.SERVICE_UNAVAILABLE;
            body.put("error", e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.warn("admin restore failed: {}", e.toString(), e);
            status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
            body.put("error", "restore failed: " + e.getMessage());
        } finally {
            cleanUp();
        }
        if (status == HttpResponseStatus.OK) {
            // ZooKeeper's restore_time: reading the snapshot, loading it and serving it, in ms.
            shared.figures.restored(shared.nowMs.getAsLong() - receivingSinceMs);
        } else {
            shared.figures.restoreFailed();
        }
        HttpResponseStatus answered = status;
        LOG.info("admin restore from {}: {} {}", ctx.channel().remoteAddress(), answered.code(), body.get("error"));
        ctx.executor().execute(() -> SnapshotCommands.respond(ctx, answered, body, Map.of()));
    }

    /** Deletes the staging file and gives the one-restore permit back. */
    private void cleanUp() {
        try {
            if (out != null) {
                out.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete the restore upload {}: {}", file, e.toString());
        }
        file = null;
        out = null;
        if (ownsRestore) {
            ownsRestore = false;
            shared.restoring.set(false);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        early.forEach(HttpContent::release);
        early.clear();
        if (state == State.RECEIVING) {
            shared.figures.restoreFailed(); // the client went away mid-upload: the restore failed
            cleanUp();
        }
        super.channelInactive(ctx);
    }
}
