package io.coord.client;

import io.coord.client.AuthTracker.Credential;
import io.coord.client.AuthTracker.Waiter;
import io.coord.client.CoordException.AuthFailedException;
import io.coord.client.CoordException.ConnectionLossException;
import io.coord.client.CoordException.RequestRejectedException;
import io.coord.client.CoordException.SessionExpiredException;
import io.coord.wire.AuthPacket;
import io.coord.wire.ConnectRequest;
import io.coord.wire.ConnectResponse;
import io.coord.wire.ErrorCode;
import io.coord.wire.GetSASLRequest;
import io.coord.wire.JuteReader;
import io.coord.wire.JuteRecord;
import io.coord.wire.OpCode;
import io.coord.wire.Replies;
import io.coord.wire.ReplyHeader;
import io.coord.wire.RequestHeader;
import io.coord.wire.Requests;
import io.coord.wire.SetWatches2;
import io.coord.wire.WatcherEvent;
import io.coord.wire.Xids;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session and its current connection. Every field below the constructor's is confined to one
 * event loop, which also runs the channel, so no locks are needed; other threads hand work over
 * with {@link EventLoop#execute}. Callbacks (replies, watch events, state changes) are handed to the
 * callback executor in the order they happen.
 */
final class ClientSession implements Connector.Target, SessionChannel.Sink {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
    private static final int SET_WATCHES_MAX_BYTES = 128 * 1024;
    private static final long SWEEP_INTERVAL_MS = 100;
    private static final long CLOSE_WAIT_MS = 1000;

    private final ConnectString connectString;
    private final ClientOptions options;
    private final Callbacks callbacks;
    private final EventLoop loop;
    private final Connector connector;
    private final FaultInjector faults;
    private final CompletableFuture<Void> firstSession = new CompletableFuture<>();
    private final CompletableFuture<Void> closedFuture = new CompletableFuture<>();
    private volatile long sessionIdView;
    private volatile int negotiatedTimeoutMs;
    private volatile boolean connectedView;
    /** Set as soon as a close is asked for (or the client crashed): lets other threads stop waiting. */
    private volatile boolean closedView;

    // Loop-confined state.
    private final WatchRegistry watches = new WatchRegistry();
    private final PendingQueue inFlight = new PendingQueue();
    private final Outbox outbox;
    private final AuthTracker auths;
    private Channel channel;
    private boolean handshaken;
    /** This connection's SASL login while it runs: no other request is sent until it ends. */
    private SaslLogin saslLogin;
    private long sessionId;
    private byte[] passwd = new byte[ConnectResponse.PASSWORD_BYTES];
    private long lastZxid;
    private boolean reconnectNow;
    private boolean closing;
    private boolean closed;
    private ScheduledFuture<?> handshakeTimer;
    private ScheduledFuture<?> sweeper;
    /** Declares the session LOST when no server is reached within its timeout after a drop. */
    private final LostTimer lostTimer;

    ClientSession(ConnectString connectString, ClientOptions options, EventLoop loop, Executor callbacks) {
        this.connectString = connectString;
        this.options = options;
        this.loop = loop;
        this.callbacks = new Callbacks(callbacks);
        this.auths = new AuthTracker(this.callbacks);
        this.faults = options.faultInjector();
        this.outbox = new Outbox(inFlight, options, faults, this::fail);
        this.lostTimer = new LostTimer(loop);
        if (options.digestAuth() != null) {
            auths.addConfigured("digest", options.digestAuth());
        }
        this.connector = new Connector(loop, connectString, options, this, this);
        if (faults != null) {
            faults.bind(() -> loop.execute(() -> {
                if (channel != null) {
                    channel.close();
                }
            }), () -> loop.execute(this::abort));
        }
    }

    void start() {
        loop.execute(() -> {
            sweeper = loop.scheduleAtFixedRate(this::sweep, SWEEP_INTERVAL_MS, SWEEP_INTERVAL_MS,
                    TimeUnit.MILLISECONDS);
            connector.attempt();
        });
    }

    CompletableFuture<Void> firstSession() {
        return firstSession;
    }

    @Override
    public long sessionId() {
        return sessionIdView;
    }

    @Override
    public int negotiatedTimeoutMs() {
        return negotiatedTimeoutMs;
    }

    @Override
    public boolean isCurrent(Channel ch) {
        return ch == channel;
    }

    @Override
    public boolean wantsConnection() {
        return !closed && !closing && channel == null;
    }

    boolean isConnected() {
        return connectedView;
    }

    boolean isClosed() {
        return closedView;
    }

    ConnectString connectString() {
        return connectString;
    }

    void addStateListener(ConnectionStateListener l) {
        callbacks.addStateListener(l);
    }

    void removeStateListener(ConnectionStateListener l) {
        callbacks.removeStateListener(l);
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
        callbacks.dispatch(callback);
    }

    /**
     * Authenticates the session with {@code scheme}/{@code auth} now (or on the next connection)
     * and on every later connection, before any other request. Completes when the server accepts
     * it; fails with AuthFailedException when it refuses it (the credential is then forgotten).
     */
    CompletableFuture<Void> addAuth(String scheme, byte[] auth) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        String tooBig = AuthTracker.oversize(scheme, auth, options.maxPacketBytes());
        if (tooBig != null) {
            f.completeExceptionally(new RequestRejectedException(null, tooBig));
            return f;
        }
        Waiter waiter = new Waiter(f, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.connectionTimeoutMs()));
        try {
            loop.execute(() -> addAuthInLoop(scheme, auth, waiter));
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(new RequestRejectedException(null, "client closed"));
        }
        return f;
    }

    private void addAuthInLoop(String scheme, byte[] auth, Waiter waiter) {
        if (closed || closing) {
            dispatch(() -> waiter.future().completeExceptionally(new RequestRejectedException(null, "client closed")));
            return;
        }
        Credential c = auths.add(scheme, auth, waiter);
        if (c == null) {
            dispatch(() -> waiter.future().completeExceptionally(new RequestRejectedException(null,
                    "more than " + AuthTracker.MAX_CREDENTIALS + " credentials added")));
        } else if (handshaken && channel != null) {
            sendAuth(channel, c);
            channel.flush();
        }
    }

    private void enqueue(Call call) {
        if (closed || closing) {
            fail(call, new RequestRejectedException(call.clientPath, "client closed"));
        } else {
            outbox.add(call);
            drain();
        }
    }

    /** Sends waiting requests while connected and under maxInFlight. */
    private void drain() {
        if (!handshaken || channel == null || saslLogin != null) {
            return;
        }
        // A fault injector may close the connection part-way: sending stops once it is gone.
        outbox.drain(channel, () -> channel != null);
    }

    @Override
    public void connected(Channel ch) {
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
        }, connector.attemptTimeoutMs(), TimeUnit.MILLISECONDS);
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
        auths.connectionClosed();
        if (saslLogin != null) {
            saslLogin.dispose();
            saslLogin = null;
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
            lostTimer.start(sessionId, negotiatedTimeoutMs, this::declareLostLocally);
            fireState(ConnectionState.SUSPENDED);
        }
        if (wasConnected || reconnectNow) {
            reconnectNow = false;
            connector.resetBackoff();
            connector.attempt();
        } else {
            connector.attemptFailed((InetSocketAddress) ch.remoteAddress(), "closed during handshake");
        }
    }

    @Override
    public void onFrame(Channel ch, byte[] bytes) {
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
        lostTimer.cancel();
        boolean reattached = sessionId != 0 && sessionId == r.sessionId();
        sessionId = r.sessionId();
        passwd = r.passwd();
        sessionIdView = sessionId;
        negotiatedTimeoutMs = r.timeOut();
        handshaken = true;
        connectedView = true;
        connector.resetBackoff();
        int t = r.timeOut();
        ch.pipeline().addFirst("idle", new IdleStateHandler(t * 2L / 3, t / 3L, 0, TimeUnit.MILLISECONDS));
        log.info("{} session 0x{} with {} (timeout {} ms)", reattached ? "reattached" : "established",
                Long.toHexString(sessionId), ch.remoteAddress(), t);
        if (options.saslUser() != null) {
            startSasl(ch, reattached);
        } else {
            sessionReady(ch, reattached);
        }
    }

    /** The connection may carry requests: credentials and watches go first, then what waits. */
    private void sessionReady(Channel ch, boolean reattached) {
        for (Credential c : auths.all()) {
            sendAuth(ch, c);
        }
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

    /**
     * SASL login on a new connection, before anything else is sent (auth packets, setWatches,
     * requests): a server that requires SASL refuses every other request of an unauthenticated
     * session. The session is ready once the login completes; a failed login closes the client
     * (a first connect then fails with AuthFailed), as a rejected configured digest credential does.
     */
    private void startSasl(Channel ch, boolean reattached) {
        saslLogin = new SaslLogin(options.saslUser(), options.saslPassword(), new SaslLogin.Link() {
            @Override
            public void send(byte[] token, Consumer<Call.Reply> onReply) {
                Call call = new Call(OpCode.SASL, new GetSASLRequest(token), null, null, onReply);
                call.xid = inFlight.nextXid();
                inFlight.add(call);
                ch.writeAndFlush(Outbox.frame(ch, call.xid, call.opCode, call.body));
            }

            @Override
            public void ended(String failure) {
                saslLogin = null;
                if (failure == null) {
                    sessionReady(ch, reattached);
                } else {
                    firstSession.completeExceptionally(new AuthFailedException("sasl"));
                    closeAsync();
                }
            }
        });
        saslLogin.start();
    }

    private void sessionExpired(Channel ch) {
        log.warn("session 0x{} expired; starting a new session", Long.toHexString(sessionId));
        forgetSession();
        fireState(ConnectionState.LOST);
        reconnectNow = true;
        ch.close();
    }

    /** Drops the session: its watches, and what waited for it fails with SessionExpired. */
    private void forgetSession() {
        lostTimer.cancel();
        sessionId = 0;
        sessionIdView = 0;
        passwd = new byte[ConnectResponse.PASSWORD_BYTES];
        watches.clear();
        for (Call c : inFlight.drain()) {
            fail(c, new SessionExpiredException(c.clientPath));
        }
        outbox.failWaiting(c -> new SessionExpiredException(c.clientPath));
    }

    /**
     * No server was reached for a whole session timeout: the server has most likely expired the
     * session, and in any case the client can no longer rely on it (its ephemerals may be gone, a
     * lock may have passed on). So LOST is reported now rather than when a server is reached, and
     * the session is abandoned: the next connection opens a new one. The old session is never
     * reattached even if it survived; the server expires it (with its ephemerals) on its own.
     */
    private void declareLostLocally(long cutOffSession, int timeoutMs) {
        if (closed || closing || handshaken || cutOffSession == 0 || sessionId != cutOffSession) {
            return;
        }
        log.warn("no server reached for the session timeout ({} ms); session 0x{} is taken as expired, "
                + "a new session will be opened", timeoutMs, Long.toHexString(sessionId));
        forgetSession();
        fireState(ConnectionState.LOST);
        if (channel != null) {
            // Mid-handshake with the abandoned session: start over without it.
            reconnectNow = true;
            channel.close();
        }
    }

    private void sendAuth(Channel ch, Credential c) {
        ch.write(Outbox.frame(ch, Xids.AUTH, OpCode.AUTH, new AuthPacket(0, c.scheme, c.auth).toBytes()));
        auths.sent(c);
    }

    /** The server's verdict on the oldest auth packet; on AUTHFAILED it closes the connection. */
    private void onAuthReply(ReplyHeader header) {
        if (auths.answeredMustClose(header.err(), options.digestUser())) {
            closeAsync();
        }
    }

    /** Re-registers every watch relative to lastZxid, in packets of bounded size. */
    private void sendSetWatches(Channel ch) {
        for (SetWatches2 batch : SetWatchesBatches.of(watches, connectString, lastZxid, SET_WATCHES_MAX_BYTES)) {
            ch.write(Outbox.frame(ch, Xids.SET_WATCHES, OpCode.SET_WATCHES2, batch.toBytes()));
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
            case Xids.AUTH -> onAuthReply(header);
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
        callbacks.deliver(l, event);
    }

    private void fail(Call call, CoordException e) {
        dispatch(() -> call.future.completeExceptionally(e));
    }

    private void fireState(ConnectionState state) {
        callbacks.fireState(state);
    }

    /** Fails requests (and addAuth calls) that waited for a connection longer than connectionTimeoutMs. */
    private void sweep() {
        if (handshaken) {
            return;
        }
        long now = System.nanoTime();
        String why = "not connected within " + options.connectionTimeoutMs() + " ms";
        outbox.failExpired(now, why);
        auths.failExpired(now, new ConnectionLossException(null, why));
    }

    /** Test hook ({@link FaultInjector#crash}): stops as a dead process would, no closeSession sent. */
    private void abort() {
        if (!closed) {
            log.info("client aborted without closing session 0x{} (fault injection)", Long.toHexString(sessionId));
            closing = true;
            finishClose();
        }
    }

    /** Closes the session (politely when connected); completes when done. */
    CompletableFuture<Void> closeAsync() {
        closedView = true;
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
        outbox.addFirst(bye);
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
        closedView = true;
        connectedView = false;
        lostTimer.cancel();
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        if (channel != null) {
            channel.close();
        }
        outbox.failWaiting(c -> new RequestRejectedException(c.clientPath, "client closed"));
        for (Call c : inFlight.drain()) {
            fail(c, new RequestRejectedException(c.clientPath, "client closed"));
        }
        auths.failAll(new RequestRejectedException(null, "client closed"));
        watches.clear();
        fireState(ConnectionState.CLOSED);
        dispatch(() -> closedFuture.complete(null));
        if (!firstSession.isDone()) {
            firstSession.completeExceptionally(new RequestRejectedException(null, "client closed"));
        }
    }
}
