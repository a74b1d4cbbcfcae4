package io.coord.client;

import io.coord.client.CoordException.ConnectionLossException;
import io.coord.client.CoordException.RequestRejectedException;
import io.coord.client.CoordException.SessionExpiredException;
import io.coord.wire.AuthPacket;
import io.coord.wire.ConnectRequest;
import io.coord.wire.ConnectResponse;
import io.coord.wire.ErrorCode;
import io.coord.wire.JuteReader;
import io.coord.wire.JuteRecord;
import io.coord.wire.OpCode;
import io.coord.wire.Replies;
import io.coord.wire.ReplyHeader;
import io.coord.wire.Requests;
import io.coord.wire.SetWatches2;
import io.coord.wire.WatcherEvent;
import io.coord.wire.Xids;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session and its current connection. Every field below the constructor's is confined to one
 * event loop, which also runs the channel, so no locks are needed; other threads hand work over
 * with {@link EventLoop#execute}. Callbacks (replies, watch events, state changes) are handed to the
 * callback executor in the order they happen.
 */
final class ClientSession {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
    private static final int SET_WATCHES_MAX_BYTES = 128 * 1024;
    private static final int INCOMING_SLACK_BYTES = 64 * 1024;
    private static final long SWEEP_INTERVAL_MS = 100;
    private static final long CLOSE_WAIT_MS = 1000;

    private final ConnectString connectString;
    private final ClientOptions options;
    private final HostList hosts;
    private final Executor callbacks;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final FaultInjector faults;
    private final List<ConnectionStateListener> stateListeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> firstSession = new CompletableFuture<>();
    private final CompletableFuture<Void> closedFuture = new CompletableFuture<>();
    private volatile long sessionIdView;
    private volatile int negotiatedTimeoutMs;
    private volatile boolean connectedView;

    // Loop-confined state.
    private final WatchRegistry watches = new WatchRegistry();
    private final PendingQueue inFlight = new PendingQueue();
    private final ArrayDeque<Call> waiting = new ArrayDeque<>();
    private Channel channel;
    private boolean handshaken;
    private long sessionId;
    private byte[] passwd = new byte[ConnectResponse.PASSWORD_BYTES];
    private long lastZxid;
    private int failedAttempts;
    private boolean reconnectNow;
    private boolean closing;
    private boolean closed;
    private ScheduledFuture<?> handshakeTimer;
    private ScheduledFuture<?> sweeper;

    ClientSession(ConnectString connectString, ClientOptions options, EventLoop loop, Executor callbacks) {
        this.connectString = connectString;
        this.options = options;
        this.hosts = new HostList(connectString.hosts(), options.random());
        this.loop = loop;
        this.callbacks = callbacks;
        this.faults = options.faultInjector();
        this.bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, attemptTimeoutMs())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("frames", new LengthFieldBasedFrameDecoder(
                                options.maxPacketBytes() + INCOMING_SLACK_BYTES, 0, 4, 0, 4));
                        ch.pipeline().addLast("session", new Handler());
                    }
                });
        if (faults != null) {
            faults.bind(() -> loop.execute(() -> {
                if (channel != null) {
                    channel.close();
                }
            }));
        }
    }

    void start() {
        loop.execute(() -> {
            sweeper = loop.scheduleAtFixedRate(this::sweep, SWEEP_INTERVAL_MS, SWEEP_INTERVAL_MS,
                    TimeUnit.MILLISECONDS);
            attempt();
        });
    }

    CompletableFuture<Void> firstSession() {
        return firstSession;
    }

    long sessionId() {
        return sessionIdView;
    }

    int negotiatedTimeoutMs() {
        return negotiatedTimeoutMs;
    }

    boolean isConnected() {
        return connectedView;
    }

    ConnectString connectString() {
        return connectString;
    }

    void addStateListener(ConnectionStateListener l) {
        stateListeners.add(l);
    }

    void removeStateListener(ConnectionStateListener l) {
        stateListeners.remove(l);
    }

    /** The session password, for tests that attach a second client to this session. */
    CompletableFuture<byte[]> password() {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(passwd.clone()));
        return f;
    }

    /** Queues a request; it is sent once connected and fewer than maxInFlight are outstanding. */
    CompletableFuture<Call.Reply> submit(Call call) {
        if (call.payloadBytes() > options.maxPacketBytes()) {
            call.future.completeExceptionally(new RequestRejectedException(call.clientPath,
                    "request of " + call.payloadBytes() + " bytes exceeds maxPacketBytes "
                            + options.maxPacketBytes() + " (the server's jute.maxbuffer)"));
            return call.future;
        }
        call.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.connectionTimeoutMs());
        try {
            loop.execute(() -> enqueue(call));
        } catch (RejectedExecutionException e) {
            call.future.completeExceptionally(new RequestRejectedException(call.clientPath, "client closed"));
        }
        return call.future;
    }

    /** Runs {@code task} on the event loop (watch bookkeeping from the client facade). */
    void inLoop(Runnable task) {
        loop.execute(task);
    }

    WatchRegistry watchesInLoop() {
        return watches;
    }

    void dispatch(Runnable callback) {
        try {
            callbacks.execute(callback);
        } catch (RejectedExecutionException e) {
            log.debug("callback dropped: executor shut down");
        }
    }

    private void enqueue(Call call) {
        if (closed || closing) {
            fail(call, new RequestRejectedException(call.clientPath, "client closed"));
        } else if (waiting.size() >= options.maxQueued()) {
            fail(call, new RequestRejectedException(call.clientPath, "too many requests waiting ("
                    + options.maxQueued() + "); slow down or raise maxQueued"));
        } else {
            waiting.addLast(call);
            drain();
        }
    }

    /** Sends waiting requests while connected and under maxInFlight. */
    private void drain() {
        if (!handshaken || channel == null) {
            return;
        }
        boolean wrote = false;
        while (!waiting.isEmpty() && inFlight.size() < options.maxInFlight() && channel != null) {
            Call call = waiting.pollFirst();
            call.xid = inFlight.nextXid();
            inFlight.add(call);
            Channel ch = channel;
            ChannelFuture written = ch.write(frame(call.xid, call.opCode, call.body));
            wrote = true;
            if (faults != null && faults.shouldDropAfterSend(call.opCode, call.serverPath)) {
                ch.flush();
                written.addListener(f -> ch.close());
            }
        }
        if (wrote && channel != null) {
            channel.flush();
        }
    }

    private ByteBuf frame(int xid, int opCode, byte[] body) {
        ByteBuf buf = channel.alloc().buffer(12 + body.length);
        buf.writeInt(8 + body.length).writeInt(xid).writeInt(opCode).writeBytes(body);
        return buf;
    }

    private int attemptTimeoutMs() {
        int perHost = options.sessionTimeoutMs() / Math.max(1, connectString.hosts().size());
        return Math.min(options.connectionTimeoutMs(), Math.max(1000, perHost));
    }

    private void attempt() {
        if (closed || closing || channel != null) {
            return;
        }
        InetSocketAddress host = hosts.next();
        if (faults != null && faults.connectsBlocked()) {
            attemptFailed(host, "connects blocked by fault injector");
            return;
        }
        log.debug("connecting to {} (session 0x{})", host, Long.toHexString(sessionId));
        ChannelFuture cf = bootstrap.connect(host);
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                attemptFailed(host, String.valueOf(f.cause()));
            } else if (closed || closing) {
                cf.channel().close();
            } else {
                connected(cf.channel());
            }
        });
    }

    private void connected(Channel ch) {
        channel = ch;
        handshaken = false;
        ch.closeFuture().addListener(f -> onClosed(ch));
        ConnectRequest req = new ConnectRequest(0, lastZxid, options.sessionTimeoutMs(), sessionId, passwd, false);
        ch.writeAndFlush(Unpooled.wrappedBuffer(Requests.encodeConnect(req)));
        handshakeTimer = loop.schedule(() -> {
            if (channel == ch && !handshaken) {
                log.debug("handshake with {} timed out", ch.remoteAddress());
                ch.close();
            }
        }, attemptTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    private void attemptFailed(InetSocketAddress host, String why) {
        failedAttempts++;
        long delayMs = 0;
        if (failedAttempts % hosts.size() == 0) {
            int round = failedAttempts / hosts.size();
            delayMs = Math.min(1000L, 25L << Math.min(round - 1, 6));
        }
        log.debug("connect to {} failed ({}); next attempt in {} ms", host, why, delayMs);
        loop.schedule(this::attempt, delayMs, TimeUnit.MILLISECONDS);
    }

    private void onClosed(Channel ch) {
        if (ch != channel) {
            return;
        }
        boolean wasConnected = handshaken;
        channel = null;
        handshaken = false;
        connectedView = false;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        for (Call c : inFlight.drain()) {
            fail(c, closing ? new RequestRejectedException(c.clientPath, "client closed")
                    : new ConnectionLossException(c.clientPath, "connection lost before the reply"));
        }
        if (closing || closed) {
            return;
        }
        if (wasConnected) {
            log.info("connection to {} lost; session 0x{} may live, reconnecting", ch.remoteAddress(),
                    Long.toHexString(sessionId));
            fireState(ConnectionState.SUSPENDED);
        }
        if (wasConnected || reconnectNow) {
            reconnectNow = false;
            failedAttempts = 0;
            attempt();
        } else {
            attemptFailed((InetSocketAddress) ch.remoteAddress(), "closed during handshake");
        }
    }

    private void onFrame(Channel ch, byte[] bytes) {
        if (ch != channel) {
            return;
        }
        try {
            if (!handshaken) {
                onConnectResponse(ch, ConnectResponse.read(new JuteReader(bytes)));
            } else {
                onReply(ch, new JuteReader(bytes));
            }
        } catch (RuntimeException e) {
            log.warn("protocol error from {}, dropping the connection: {}", ch.remoteAddress(), e.toString());
            ch.close();
        }
    }

    private void onConnectResponse(Channel ch, ConnectResponse r) {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (r.timeOut() <= 0 || r.sessionId() == 0) {
            sessionExpired(ch);
            return;
        }
        boolean reattached = sessionId != 0 && sessionId == r.sessionId();
        sessionId = r.sessionId();
        passwd = r.passwd();
        sessionIdView = sessionId;
        negotiatedTimeoutMs = r.timeOut();
        handshaken = true;
        connectedView = true;
        failedAttempts = 0;
        int t = r.timeOut();
        ch.pipeline().addFirst("idle", new IdleStateHandler(t * 2L / 3, t / 3L, 0, TimeUnit.MILLISECONDS));
        log.info("{} session 0x{} with {} (timeout {} ms)", reattached ? "reattached" : "established",
                Long.toHexString(sessionId), ch.remoteAddress(), t);
        sendAuth(ch);
        if (reattached) {
            sendSetWatches(ch);
        } else {
            watches.clear();
        }
        ch.flush();
        fireState(reattached ? ConnectionState.RECONNECTED : ConnectionState.CONNECTED);
        dispatch(() -> firstSession.complete(null));
        drain();
    }

    private void sessionExpired(Channel ch) {
        log.warn("session 0x{} expired; starting a new session", Long.toHexString(sessionId));
        SessionExpiredException expired = new SessionExpiredException(null);
        sessionId = 0;
        sessionIdView = 0;
        passwd = new byte[ConnectResponse.PASSWORD_BYTES];
        watches.clear();
        for (Call c : inFlight.drain()) {
            fail(c, new SessionExpiredException(c.clientPath));
        }
        while (!waiting.isEmpty()) {
            Call c = waiting.pollFirst();
            fail(c, new SessionExpiredException(c.clientPath));
        }
        log.debug("expired: {}", expired.getMessage());
        fireState(ConnectionState.LOST);
        reconnectNow = true;
        ch.close();
    }

    private void sendAuth(Channel ch) {
        byte[] auth = options.digestAuth();
        if (auth != null) {
            ch.write(frame(Xids.AUTH, OpCode.AUTH, new AuthPacket(0, "digest", auth).toBytes()));
        }
    }

    /** Re-registers every watch relative to lastZxid, in packets of bounded size. */
    private void sendSetWatches(Channel ch) {
        for (SetWatches2 batch : SetWatchesBatches.of(watches, connectString, lastZxid, SET_WATCHES_MAX_BYTES)) {
            ch.write(frame(Xids.SET_WATCHES, OpCode.SET_WATCHES2, batch.toBytes()));
        }
    }

    private void onReply(Channel ch, JuteReader in) {
        ReplyHeader header = ReplyHeader.read(in);
        if (header.zxid() > lastZxid) {
            lastZxid = header.zxid();
        }
        switch (header.xid()) {
            case Xids.NOTIFICATION -> onNotification(header, WatcherEvent.read(in));
            case Xids.PING -> { }
            case Xids.AUTH -> {
                if (header.err() != 0) {
                    log.error("digest auth as {} failed ({}); closing the client", options.digestUser(),
                            ErrorCode.of(header.err()));
                    closeAsync();
                }
            }
            case Xids.SET_WATCHES -> {
                if (header.err() != 0) {
                    log.warn("re-registering watches failed: {}", ErrorCode.of(header.err()));
                }
            }
            default -> onCallReply(ch, header, in);
        }
    }

    private void onCallReply(Channel ch, ReplyHeader header, JuteReader in) {
        Call call = inFlight.match(header.xid());
        JuteRecord body = null;
        if (header.err() == 0 || call.opCode == OpCode.MULTI && in.hasRemaining()) {
            body = Replies.decodeBody(call.opCode, in);
        }
        if (faults != null && faults.shouldDropInsteadOfReply(call.opCode, call.serverPath)) {
            fail(call, new ConnectionLossException(call.clientPath, "reply dropped by fault injector"));
            ch.close();
            return;
        }
        Call.Reply reply = new Call.Reply(header, body);
        if (call.onReplyInLoop != null) {
            call.onReplyInLoop.accept(reply);
        }
        dispatch(() -> call.future.complete(reply));
        drain();
    }

    private void onNotification(ReplyHeader header, WatcherEvent ev) {
        WatchEventType type = WatchEventType.of(ev.type());
        if (type == null || ev.path() == null) {
            return;
        }
        String path = connectString.toClientPath(ev.path());
        WatchEvent event = new WatchEvent(type, path, Math.max(0, header.zxid()));
        for (WatchListener l : watches.trigger(type, path)) {
            dispatch(() -> deliver(l, event));
        }
    }

    void deliver(WatchListener l, WatchEvent event) {
        try {
            l.onEvent(event);
        } catch (RuntimeException e) {
            log.warn("watch listener failed on {}", event, e);
        }
    }

    private void fail(Call call, CoordException e) {
        dispatch(() -> call.future.completeExceptionally(e));
    }

    private void fireState(ConnectionState state) {
        dispatch(() -> {
            for (ConnectionStateListener l : stateListeners) {
                try {
                    l.stateChanged(state);
                } catch (RuntimeException e) {
                    log.warn("connection state listener failed on {}", state, e);
                }
            }
        });
    }

    /** Fails requests that waited for a connection longer than connectionTimeoutMs. */
    private void sweep() {
        if (handshaken || waiting.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        while (!waiting.isEmpty() && now - waiting.peekFirst().deadlineNanos > 0) {
            Call c = waiting.pollFirst();
            fail(c, new ConnectionLossException(c.clientPath, "not connected within "
                    + options.connectionTimeoutMs() + " ms"));
        }
    }

    /** Closes the session (politely when connected); completes when done. */
    CompletableFuture<Void> closeAsync() {
        try {
            loop.execute(this::startClose);
        } catch (RejectedExecutionException e) {
            closedFuture.complete(null);
        }
        return closedFuture;
    }

    private void startClose() {
        if (closing || closed) {
            return;
        }
        if (!handshaken || channel == null) {
            closing = true;
            finishClose();
            return;
        }
        Call bye = new Call(OpCode.CLOSE_SESSION, null, null, null, null);
        waiting.addFirst(bye);
        drain();
        closing = true;
        ScheduledFuture<?> timer = loop.schedule(this::finishClose, CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        bye.future.whenComplete((r, e) -> loop.execute(() -> {
            timer.cancel(false);
            finishClose();
        }));
    }

    private void finishClose() {
        if (closed) {
            return;
        }
        closing = true;
        closed = true;
        connectedView = false;
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        if (channel != null) {
            channel.close();
        }
        while (!waiting.isEmpty()) {
            Call c = waiting.pollFirst();
            fail(c, new RequestRejectedException(c.clientPath, "client closed"));
        }
        for (Call c : inFlight.drain()) {
            fail(c, new RequestRejectedException(c.clientPath, "client closed"));
        }
        watches.clear();
        fireState(ConnectionState.CLOSED);
        dispatch(() -> closedFuture.complete(null));
        if (!firstSession.isDone()) {
            firstSession.completeExceptionally(new RequestRejectedException(null, "client closed"));
        }
    }

    /** Per channel: frames to the session, idle events to pings or a drop. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                onFrame(ctx.channel(), ByteBufUtil.getBytes(buf));
            } finally {
                ReferenceCountUtil.release(buf);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (!(evt instanceof IdleStateEvent idle) || ctx.channel() != channel) {
                return;
            }
            if (idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(frame(Xids.PING, OpCode.PING, new byte[0]));
            } else if (idle.state() == IdleState.READER_IDLE) {
                log.info("no traffic from {} for {} ms; dropping the connection", ctx.channel().remoteAddress(),
                        negotiatedTimeoutMs * 2 / 3);
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("connection to {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
