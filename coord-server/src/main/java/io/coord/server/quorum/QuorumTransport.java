package io.coord.server.quorum;

import io.coord.server.admin.MetricSummary;
import io.coord.server.admin.SummaryRecorder;
import io.coord.server.config.QuorumSaslConfig;
import io.coord.server.config.ServerAddress;
import io.coord.server.config.TlsConfig;
import io.coord.server.net.NettyTransport;
import io.coord.server.pipeline.Backlog;
import io.coord.server.pipeline.ForwardedRequest;
import io.coord.server.pipeline.QuorumInbound;
import io.coord.server.pipeline.QuorumLink;
import io.coord.server.zab.ZabMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.AttributeKey;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Member-to-member TCP transport (Netty). Each member listens on its quorum port. There is one
 * connection per pair of members: the member with the <em>lower</em> id dials the higher one (and
 * redials with backoff, 50 ms doubling up to 1 s, whenever the connection drops); the higher one
 * accepts. The first frame on a connection is a {@link QuorumCodec.Hello} with the dialer's id,
 * followed, with quorum SASL, by the dialer's login ({@link LinkHandshake}); only then does the
 * connection carry other frames. A newer connection from the same peer replaces an older one. Frames are [int length][payload],
 * up to {@link #MAX_FRAME_BYTES} (a SNAP bundle carries the whole tree), independent of
 * jute.maxbuffer. Election votes travel on the same connection: the election port of
 * {@code server.N} lines is not bound. Outgoing frames go through a {@link FrameOutbox}, which
 * writes everything queued for a peer since its last flush in one write: a leader's proposals and
 * commits, a follower's acks and forwarded requests, travel in batches, not a syscall each.
 *
 * <p>Sends never block: a frame for an unconnected peer is dropped, which the ZAB core tolerates
 * (it retries, restarts follower sessions or re-elects). Bounded both ways: a peer that leaves more
 * than {@code outboxLimitBytes} unsent is disconnected ({@link FrameOutbox}), and a connection
 * that delivers a message while the request thread's {@link Backlog} is past its high-water mark
 * stops being read until the backlog is under its low-water mark (TCP then pushes back on the
 * sender, whose outbox limit decides when it gives up on us). No event loop ever blocks.
 */
public final class QuorumTransport implements QuorumLink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumTransport.class);
    public static final int MAX_FRAME_BYTES = 512 << 20;
    /**
     * Unsent bytes per peer past which it is disconnected: 64 full-size (jute.maxbuffer 1 MiB)
     * proposals, or tens of thousands of ordinary ones, which a healthy follower on a working link
     * drains in well under a second. Slower than that, it would fall further behind for as long as
     * the load lasts; a follower that reconnects re-syncs by DIFF (within the leader's history of
     * {@link EnsembleMember#MAX_HISTORY} txns) or SNAP. The same bound as a client's unread replies.
     */
    public static final long DEFAULT_OUTBOX_LIMIT_BYTES = 64L << 20;
    /**
     * Netty's own buffer per link: frames are handed to it only below the high mark, so it holds at
     * most this plus one batch (1 MiB) or one larger frame; enough to keep a link busy between turns.
     */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 << 10, 1 << 20);
    private static final long MIN_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 1_000;
    /** How long a lower-id member may stay unconnected before this side dials it ({@link #dialUnknowing}). */
    private static final long UNKNOWN_GRACE_MS = 2_000;
    /** How often unconnected lower-id members are checked against {@link #UNKNOWN_GRACE_MS}. */
    private static final long UNKNOWN_CHECK_MS = 250;
    private static final AttributeKey<Long> PEER = AttributeKey.valueOf("coord.peer");
    private static final AttributeKey<FrameOutbox> OUTBOX = AttributeKey.valueOf("coord.outbox");
    /** Set on links this member dialed: the address it dialed (a move of that peer retires them). */
    private static final AttributeKey<ServerAddress> DIALED = AttributeKey.valueOf("coord.dialed");
    /**
     * How long a link dialed to a member's old quorum address stays up after this member takes the
     * configuration that moves it. The core's sends of the same turn (the reconfig's COMMIT to that
     * member among them) follow the configuration change on the request thread; a link closed at
     * once would lose them, and the member would learn the change only through a new election.
     */
    static final long RETIRE_DELAY_MS = 200;

    private final long myId;
    /** The members this one knows (its config, then each committed configuration it takes). */
    private volatile Map<Long, ServerAddress> members;
    /** Lower-id members not connected, since when (ms): see {@link #dialUnknowing}. */
    private final Map<Long, Long> unconnectedSinceMs = new ConcurrentHashMap<>();
    /**
     * Members whose links this member refused (their login failed or was missing) and that have not
     * linked since: never dialed by {@link #dialUnknowing}. Such a member knows us (it dialed), so it
     * is no joiner, and a link we dial would let it in on its server credentials alone, though its
     * learner login fails (ZooKeeper keeps such a member out: its learner cannot reach the leader).
     */
    private final java.util.Set<Long> refusedPeers = ConcurrentHashMap.newKeySet();
    /** Peers this member dials now (a dial loop runs for each): never two loops for one peer. */
    private final java.util.Set<Long> dialing = ConcurrentHashMap.newKeySet();
    private final QuorumInbound inbound;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final NettyTransport transport;
    /** While this member leads: its queues to its learners are recorded (learner_handler_qp_size). */
    private volatile boolean leading;
    private final Map<Long, SummaryRecorder> learnerQueues = new java.util.concurrent.ConcurrentHashMap<>();
    /** learner_handler_qp_time_ms by peer (an advanced summary, as ZooKeeper's), kept across connections. */
    private final Map<Long, SummaryRecorder> learnerQueueTimes = new java.util.concurrent.ConcurrentHashMap<>();
    private final long outboxLimitBytes;
    /** TLS on member links (sslQuorum), or null for plaintext. */
    private final QuorumTls tls;
    /** SASL logins on member links (quorum.auth.*), or null when off. */
    private final QuorumSasl sasl;
    private final Map<Long, Channel> peers = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** Links from ids outside the configuration are accepted (reconfigEnabled: joiners). */
    private volatile boolean acceptUnknown;
    /** The quorum listener, and the address (host, quorum port) it was bound at; guarded by listenerLock. */
    private Channel server;
    private ServerAddress listening;
    private ServerBootstrap listenerBootstrap;
    private final Object listenerLock = new Object();

    public QuorumTransport(long myId, Map<Long, ServerAddress> members, QuorumInbound inbound, NettyTransport transport) {
        this(myId, members, inbound, transport, DEFAULT_OUTBOX_LIMIT_BYTES);
    }

    /** @param outboxLimitBytes unsent bytes past which a peer is disconnected */
    public QuorumTransport(long myId, Map<Long, ServerAddress> members, QuorumInbound inbound, NettyTransport transport,
                           long outboxLimitBytes) {
        this(myId, members, inbound, transport, outboxLimitBytes, null);
    }

    /** @param quorumTls sslQuorum's settings, or null for plaintext member links */
    public QuorumTransport(long myId, Map<Long, ServerAddress> members, QuorumInbound inbound, NettyTransport transport,
                           long outboxLimitBytes, TlsConfig quorumTls) {
        this(myId, members, inbound, transport, outboxLimitBytes, quorumTls, QuorumSaslConfig.OFF);
    }

    /** @param quorumSasl quorum SASL's settings ({@link QuorumSaslConfig#OFF} for none) */
    public QuorumTransport(long myId, Map<Long, ServerAddress> members, QuorumInbound inbound, NettyTransport transport,
                           long outboxLimitBytes, TlsConfig quorumTls, QuorumSaslConfig quorumSasl) {
        // First: a store that cannot be used stops start-up before any thread or socket exists.
        this.tls = QuorumTls.of(quorumTls);
        this.sasl = QuorumSasl.of(quorumSasl);
        this.myId = myId;
        this.members = Map.copyOf(members);
        this.inbound = inbound;
        this.transport = transport;
        this.outboxLimitBytes = outboxLimitBytes;
        this.boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        this.workers = new MultiThreadIoEventLoopGroup(2, transport.ioHandlerFactory());
    }

    /**
     * Accept links from member ids this member's configuration does not name (set before
     * {@link #start}; with reconfigEnabled, so that a joiner can sync before the change that adds it).
     */
    public void acceptUnknownMembers(boolean accept) {
        this.acceptUnknown = accept;
    }

    /** Binds the quorum port and starts dialing the members with a higher id. */
    public void start() throws InterruptedException, BindException {
        ServerAddress me = members.get(myId);
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(initializer(-1));
        synchronized (listenerLock) {
            listenerBootstrap = b;
            server = NettyTransport.bind(b, new InetSocketAddress(me.host(), me.quorumPort()));
            listening = me;
            LOG.info("member {} listening for members on {}", myId, server.localAddress());
        }
        long startedMs = System.nanoTime() / 1_000_000;
        for (long id : members.keySet()) {
            if (id > myId) {
                startDialing(id);
            } else if (id < myId) {
                unconnectedSinceMs.put(id, startedMs); // a joiner's grace runs from its start, not the first check
            }
        }
        workers.scheduleAtFixedRate(this::dialUnknowing, UNKNOWN_CHECK_MS, UNKNOWN_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    private void startDialing(long peer) {
        if (dialing.add(peer)) {
            dial(peer, MIN_BACKOFF_MS);
        }
    }

    /**
     * A lower-id member dials us, unless it does not know us: a joining member, whose config names
     * the ensemble and itself while the ensemble's does not name it yet (ZooKeeper's joiner
     * connects to the ensemble the same way). So a lower-id member that has not connected for
     * {@value #UNKNOWN_GRACE_MS} ms is dialed from this side, once per check; it accepts a link
     * from an id outside its configuration (authenticated as any link).
     */
    private void dialUnknowing() {
        if (closed) {
            return;
        }
        long now = System.nanoTime() / 1_000_000;
        for (long id : members.keySet()) {
            if (id >= myId || connected(id) || dialing.contains(id) || refusedPeers.contains(id)) {
                unconnectedSinceMs.remove(id);
                continue;
            }
            long since = unconnectedSinceMs.computeIfAbsent(id, k -> now);
            if (now - since >= UNKNOWN_GRACE_MS) {
                unconnectedSinceMs.remove(id);
                dialOnce(id);
            }
        }
    }

    private void dialOnce(long peer) {
        ServerAddress a = members.get(peer);
        if (a == null || closed) {
            return;
        }
        ChannelFuture f = bootstrap(peer).connect(new InetSocketAddress(a.host(), a.quorumPort()));
        f.addListener(done -> {
            if (done.isSuccess()) {
                Channel ch = f.channel();
                ch.closeFuture().addListener(c -> lost(peer, ch)); // not redialed: the next check decides
            }
        });
    }

    /**
     * The membership changed (a committed reconfig): new higher-id members are dialed, links to
     * members no longer named are closed and not redialed (a link they dial in is still accepted:
     * a removed member learns the ensemble's configuration from votes). A member whose quorum
     * address moved is redialed there: the links this member dialed to its old address are closed
     * after {@link #RETIRE_DELAY_MS} and the dial loop (or, for a lower id, the next
     * {@link #dialUnknowing} check) reads the new address; links it dialed in are TCP connections
     * its move does not touch and stay. When this member's own address moved, its listener moves
     * ({@link #moveListener}).
     */
    public void updateMembers(Map<Long, ServerAddress> next) {
        Map<Long, ServerAddress> previous = members;
        Map<Long, ServerAddress> now = new java.util.HashMap<>(next);
        if (previous.containsKey(myId)) {
            now.putIfAbsent(myId, previous.get(myId)); // removed: our own listener stays where it is
        }
        members = Map.copyOf(now);
        moveListener(now.get(myId));
        for (long id : previous.keySet()) {
            ServerAddress after = now.get(id);
            Channel ch = peers.get(id);
            if (id == myId || ch == null) {
                continue;
            }
            if (after == null) {
                ch.close(); // removed
            } else if (!sameLink(previous.get(id), after)) {
                retireIfDialed(id, ch, after);
            }
        }
        for (long id : now.keySet()) {
            if (id > myId && !closed) {
                startDialing(id);
            }
        }
    }

    /** Closes {@code ch} (to moved member {@code id}) in a while if this member dialed it to an address other than {@code now}. */
    private void retireIfDialed(long id, Channel ch, ServerAddress now) {
        ServerAddress dialed = ch.attr(DIALED).get();
        if (dialed == null || sameLink(dialed, now)) {
            return;
        }
        LOG.info("member {}: member {} moved its quorum address from {}:{} to {}:{}; redialing it there",
                myId, id, dialed.host(), dialed.quorumPort(), now.host(), now.quorumPort());
        try {
            ch.eventLoop().schedule(() -> { ch.close(); }, RETIRE_DELAY_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            ch.close(); // the transport is closing
        }
    }

    /**
     * Moves this member's quorum listener to {@code wanted} (a committed configuration moved its
     * quorum address), as ZooKeeper's members bind the address of their own line: the new address is
     * bound first, then the old listener closed; links it accepted stay open (a server channel's close
     * leaves its children alone) until their dialers redial. A failed bind (the port is taken) keeps
     * the old listener and says so in one log line; the next configuration taken, or a
     * restart from the rewritten dynamic file, tries again. Meanwhile the others' dials to the new
     * address fail and this member, a higher id than theirs, dials them ({@link #dialUnknowing}), so
     * the ensemble keeps its links.
     */
    private void moveListener(ServerAddress wanted) {
        synchronized (listenerLock) {
            if (closed || server == null || wanted == null || sameLink(listening, wanted)) {
                return;
            }
            InetSocketAddress at = new InetSocketAddress(wanted.host(), wanted.quorumPort());
            // Uninterruptibly: this runs on the request thread, whose interrupt status means shutdown.
            ChannelFuture bound = listenerBootstrap.bind(at).awaitUninterruptibly();
            if (!bound.isSuccess()) {
                LOG.error("member {} cannot move its quorum port to {} as the committed configuration asks ({}); still"
                        + " listening on {}", myId, at, bound.cause().toString(), server.localAddress());
                return;
            }
            Channel old = server;
            server = bound.channel();
            listening = wanted;
            old.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            LOG.info("member {} moved its quorum port from {} to {} (open links kept)", myId, old.localAddress(),
                    server.localAddress());
        }
    }

    /** Where the quorum listener is bound, or null before start and after close (tests, status). */
    public InetSocketAddress quorumAddress() {
        synchronized (listenerLock) {
            return server == null || closed ? null : (InetSocketAddress) server.localAddress();
        }
    }

    private static boolean sameLink(ServerAddress a, ServerAddress b) {
        return a.host().equals(b.host()) && a.quorumPort() == b.quorumPort();
    }

    private ChannelInitializer<SocketChannel> initializer(long dialedPeer) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.attr(OUTBOX).set(new FrameOutbox(ch, outboxLimitBytes, () -> leading));
                ServerAddress peer = dialedPeer < 0 ? null : members.get(dialedPeer);
                if (dialedPeer >= 0 && peer == null) {
                    ch.close(); // removed by a reconfig while this dial was under way
                    return;
                }
                if (peer != null) {
                    ch.attr(DIALED).set(peer);
                }
                if (tls != null && peer == null) {
                    // portUnification: a sniffer puts a TLS handler in its place or steps aside for plaintext.
                    ch.pipeline().addLast("tls", tls.acceptsPlaintext() ? tls.unifiedAccept()
                            : tls.acceptHandler(ch.alloc()));
                } else if (tls != null && tls.dialsTls()) {
                    // Frames queued before the handshake ends (the dialer's hello) wait in the handler.
                    ch.pipeline().addLast("tls", tls.dialHandler(ch.alloc(), peer.host(), peer.quorumPort()));
                }
                ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES, 0, 4, 0, 4));
                // With reconfig, any other id: a joining member is not in our configuration yet (who
                // may link is then the link's authentication's to decide: sslQuorum, quorum.auth.*).
                ch.pipeline().addLast(new LinkHandshake(myId, dialedPeer, sasl,
                        id -> id != myId && (acceptUnknown || members.containsKey(id)), refusedPeers::add));
                ch.pipeline().addLast(new Handler(dialedPeer));
            }
        };
    }

    private Bootstrap bootstrap(long peer) {
        return new Bootstrap().group(workers).channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
                .handler(initializer(peer));
    }

    private void dial(long peer, long backoffMs) {
        ServerAddress a = members.get(peer);
        if (closed || a == null || peer < myId) {
            dialing.remove(peer); // removed by a reconfig (or now lower: it dials us): this loop ends
            return;
        }
        ChannelFuture f = bootstrap(peer).connect(new InetSocketAddress(a.host(), a.quorumPort()));
        f.addListener(done -> {
            if (done.isSuccess()) {
                // LinkHandshake sends the hello (and the login) and then has the channel registered.
                // A link that was up redials at once; one refused before it was up backs off.
                Channel ch = f.channel();
                ch.closeFuture().addListener(c -> redial(peer, ch, ch.attr(PEER).get() != null ? MIN_BACKOFF_MS
                        : Math.min(MAX_BACKOFF_MS, backoffMs * 2)));
            } else {
                redial(peer, null, Math.min(MAX_BACKOFF_MS, backoffMs * 2));
            }
        });
    }

    private void redial(long peer, Channel old, long backoffMs) {
        if (closed) {
            return;
        }
        if (old != null) {
            lost(peer, old);
        }
        try {
            workers.schedule(() -> dial(peer, backoffMs), backoffMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // close() began after the check above and a worker loop has stopped: nothing to redial
            // (Netty logged this refusal as an unexpected listener failure during ensemble stops).
            LOG.debug("not redialing member {}: the transport is closing", peer);
        }
    }

    private void register(long peer, Channel ch) {
        ch.attr(PEER).set(peer);
        outbox(ch).recordInto(learnerQueues.computeIfAbsent(peer, id -> new SummaryRecorder(false)),
                learnerQueueTimes.computeIfAbsent(peer, id -> new SummaryRecorder(true)));
        Channel previous = peers.put(peer, ch);
        if (previous != null && previous != ch) {
            previous.close();
        }
        if (closed) {
            // A dial or a hello that completed while close() ran: close() closes the channels it
            // finds in peers, and this one may have come in after it looked (checked after the put,
            // so one of the two closes it). Left open, the request thread could still send on it.
            ch.close();
            return;
        }
        LOG.info("member {} connected to member {} ({})", myId, peer, ch.remoteAddress());
    }

    private void lost(long peer, Channel ch) {
        if (peers.remove(peer, ch)) {
            LOG.info("member {} lost its connection to member {}", myId, peer);
            inbound.onPeerDown(peer);
        }
    }

    /** Inbound frames of one connection. */
    private final class Handler extends SimpleChannelInboundHandler<ByteBuf> {
        private long peer;
        /** Reading stopped until the request thread's backlog goes down. */
        private final AtomicBoolean paused = new AtomicBoolean();

        Handler(long dialedPeer) {
            this.peer = dialedPeer;
        }

        /** The link's hello (and login) is done: from here on it carries frames. */
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (!(event instanceof LinkHandshake.Ready ready)) {
                ctx.fireUserEventTriggered(event);
                return;
            }
            boolean accepted = peer < 0;
            peer = ready.peer();
            register(peer, ctx.channel());
            if (accepted) {
                refusedPeers.remove(peer); // it has logged in now
                long from = peer;
                ctx.channel().closeFuture().addListener(c -> lost(from, ctx.channel()));
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            Object msg = QuorumCodec.decode(ByteBufUtil.getBytes(frame));
            if (msg instanceof ZabMessage z) {
                inbound.onZab(peer, z);
            } else if (msg instanceof ForwardedRequest f) {
                inbound.onForward(peer, f);
            } else if (msg instanceof QuorumCodec.Touch t) {
                inbound.onTouch(peer, t.sessionIds());
            }
            pauseIfBacklogged(ctx.channel());
        }

        private void pauseIfBacklogged(Channel ch) {
            Backlog backlog = inbound.backlog();
            if (backlog.overHighWater() && paused.compareAndSet(false, true)) {
                ch.config().setAutoRead(false);
                backlog.whenBelowLowWater(() -> {
                    ch.config().setAutoRead(true);
                    paused.set(false);
                });
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            outbox(ctx.channel()).writable();
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("quorum connection with member {} failed: {}", peer, cause.toString());
            ctx.close();
        }
    }

    private void sendFrame(long to, Object msg) {
        Channel ch = peers.get(to);
        if (ch == null || !ch.isActive()) {
            return;
        }
        outbox(ch).add(QuorumCodec.encode(msg));
    }

    private static FrameOutbox outbox(Channel ch) {
        return ch.attr(OUTBOX).get();
    }

    @Override
    public void send(long to, ZabMessage message) {
        sendFrame(to, message);
    }

    @Override
    public void forward(long to, ForwardedRequest request) {
        sendFrame(to, request);
    }

    @Override
    public void touch(long to, long[] sessionIds) {
        sendFrame(to, new QuorumCodec.Touch(sessionIds));
    }

    @Override
    public void leading(boolean leads) {
        leading = leads;
    }

    /**
     * ZooKeeper's learner_handler_qp_size by peer: the frames still queued for it each time one was
     * taken, recorded while this member led (its learner handlers' queues), kept across connections.
     */
    @Override
    public Map<Long, MetricSummary> learnerQueueSizes() {
        return recorded(learnerQueues);
    }

    /**
     * ZooKeeper's learner_handler_qp_time_ms by peer: how long a sampled frame (one in
     * {@value FrameOutbox#SAMPLE_INTERVAL_FRAMES}, as ZooKeeper's marker packets) waited in the queue, in ms.
     */
    @Override
    public Map<Long, MetricSummary> learnerQueueTimesMs() {
        return recorded(learnerQueueTimes);
    }

    private static Map<Long, MetricSummary> recorded(Map<Long, SummaryRecorder> byPeer) {
        Map<Long, MetricSummary> m = new java.util.TreeMap<>();
        byPeer.forEach((peer, r) -> {
            MetricSummary s = r.snapshot();
            if (s.count() > 0) {
                m.put(peer, s);
            }
        });
        return m;
    }

    /** Bytes queued for {@code peer} and not yet handed to Netty; 0 when not connected (tests, status). */
    public long queuedBytes(long peer) {
        Channel ch = peers.get(peer);
        return ch == null ? 0 : outbox(ch).queuedBytes();
    }

    /** True when a connection to {@code peer} is up (tests, status). */
    public boolean connected(long peer) {
        Channel ch = peers.get(peer);
        return ch != null && ch.isActive();
    }

    @Override
    public void close() {
        closed = true;
        synchronized (listenerLock) {
            if (server != null) {
                server.close().syncUninterruptibly();
            }
        }
        peers.values().forEach(Channel::close);
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
