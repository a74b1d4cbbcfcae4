package io.coord.server.quorum;

import io.coord.server.admin.MetricSummary;
import io.coord.server.admin.StatusSource;
import io.coord.server.config.DynamicConfig;
import io.coord.server.config.ServerAddress;
import io.coord.server.config.ServerConfig;
import io.coord.server.net.ClientServer;
import io.coord.server.net.NettyTransport;
import io.coord.server.pipeline.Backlog;
import io.coord.server.pipeline.ConfigTxnCodec;
import io.coord.server.pipeline.EnsembleProcessor;
import io.coord.server.admin.ProcessFigures;
import io.coord.server.pipeline.FatalHandler;
import io.coord.server.pipeline.ForwardedRequest;
import io.coord.server.pipeline.QuorumInbound;
import io.coord.server.pipeline.QuorumLink;
import io.coord.server.pipeline.RequestLoop;
import io.coord.server.pipeline.StorageInfo;
import io.coord.server.session.Clock;
import io.coord.server.storage.DiskFullException;
import io.coord.server.storage.FlushPacer;
import io.coord.server.storage.FreeSpace;
import io.coord.server.storage.LogIo;
import io.coord.server.storage.MetaStore;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.storage.TxnLog;
import io.coord.server.zab.ZabConfig;
import io.coord.server.zab.ZabCore;
import io.coord.server.zab.ZabMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running ensemble member: recovery, the storage thread, the quorum transport, the request
 * pipeline driving the ZAB core, and the client port. {@link #start} returns once the client port is
 * bound; clients are served once the member has joined an established leader.
 */
public final class EnsembleMember implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EnsembleMember.class);
    /** Committed txns kept in memory for DIFF syncs; a member further behind gets a SNAP. */
    public static final int MAX_HISTORY = 1000;
    static final int MAX_CORE_TICK_MS = 50;
    private static final int VOTE_RESEND_MS = 100;
    private static final long STANDALONE_READY_TIMEOUT_MS = 60_000;

    private final TxnLog log;
    private final QuorumStorage storage;
    private final QuorumTransport transport;
    private final EnsembleProcessor processor;
    private volatile ClientServer network;
    /**
     * Guards network and pendingClientAddress between start-up and the request thread (not the
     * member's monitor: close() holds that while it stops the request thread).
     */
    private final Object portLock = new Object();
    /** A client address a committed configuration named before the client port was bound. */
    private InetSocketAddress pendingClientAddress;
    private JvmPauseMonitor pauses;
    private volatile boolean closed;

    private EnsembleMember(TxnLog log, QuorumStorage storage, QuorumTransport transport, EnsembleProcessor processor) {
        this.log = log;
        this.storage = storage;
        this.transport = transport;
        this.processor = processor;
    }

    public static EnsembleMember start(ServerConfig config) throws IOException {
        return start(config, TxnLog.DEFAULT_SEGMENT_TARGET_BYTES);
    }

    /** As {@link #start(ServerConfig)} with log segments rolled at {@code logSegmentBytes} (tests). */
    public static EnsembleMember start(ServerConfig config, long logSegmentBytes) throws IOException {
        return start(config, logSegmentBytes, FatalHandler.HALT, LogIo.REAL);
    }

    /**
     * As above; {@code fatal} is called when the request or log thread fails, and the log writes
     * through {@code logIo} (tests observe the one and inject disk faults into the other).
     */
    public static EnsembleMember start(ServerConfig config, long logSegmentBytes, FatalHandler fatal, LogIo logIo)
            throws IOException {
        return start(config, logSegmentBytes, fatal, logIo,
                FreeSpace.atLeast(config.dataLogDir(), FreeSpace.DEFAULT_RESUME_FREE_BYTES));
    }

    /**
     * As above. A standalone member (the only voter) rides out a full log disk: the writes the log
     * could not take fail, reads and sessions go on, and writes resume once {@code spaceAvailable}.
     * A member of a larger ensemble stops instead ({@code fatal} gets the DiskFullException) so the
     * others carry on.
     */
    public static EnsembleMember start(ServerConfig config, long logSegmentBytes, FatalHandler fatal, LogIo logIo,
                                       BooleanSupplier spaceAvailable) throws IOException {
        return start(config, logSegmentBytes, fatal, logIo, spaceAvailable, new ProcessFigures());
    }

    /**
     * As above; the member reports {@code process}'s figures with its own: the process's
     * AdminServer and supervisor count them, and they outlive this incarnation of the member.
     */
    public static EnsembleMember start(ServerConfig config, long logSegmentBytes, FatalHandler fatal, LogIo logIo,
                                       BooleanSupplier spaceAvailable, ProcessFigures process) throws IOException {
        // The member's sources of time and randomness, made here and passed down (nothing below
        // reads a clock or makes a random generator of its own).
        Clock clock = Clock.system();
        SecureRandom random = new SecureRandom();
        NettyTransport nettyTransport = NettyTransport.of(config.nettyTransport());
        MemberRecovery.Opened opened = MemberRecovery.open(config.dataDir(), config.dataLogDir(), logSegmentBytes, logIo,
                clock, config.tickTimeMs(), config.myId(), random);
        MetaStore meta = opened.meta();
        byte[] secret = opened.secret();
        SnapshotStore snapshots = opened.snapshots();
        TxnLog log = opened.log();
        MemberRecovery.Recovered r = opened.recovered();
        // Standalone (no server.N lines) is an ensemble of one voter: the core decides at once that it
        // leads, commits each proposal once its own log has it, and there are no member links.
        Set<Long> voters = config.standalone() ? Set.of(config.myId())
                : config.servers().values().stream().filter(a -> !a.observer())
                        .map(ServerAddress::id).collect(Collectors.toSet());
        Set<Long> observers = config.servers().values().stream().filter(ServerAddress::observer)
                .map(ServerAddress::id).collect(Collectors.toSet());
        int coreTickMs = coreTickMs(config.tickTimeMs());
        ZabConfig zab = zabConfig(config, voters, observers, coreTickMs);
        AtomicReference<EnsembleProcessor> ref = new AtomicReference<>();
        QuorumStorage storage = new QuorumStorage(log, snapshots, meta, config.snapRetainCount(),
                new FlushPacer(config.groupCommitMaxWaitMicros()),
                seq -> ref.get().persisted(seq), fatal, clock::nowNanos, QuorumStorage.DEFAULT_QUEUE_LIMIT_BYTES);
        JvmPauseMonitor pauses = new JvmPauseMonitor(clock::nowNanos);
        storage.reportAlso(() -> {
            Map<String, MetricSummary> m = new HashMap<>(r.startup());
            m.put("jvm_pause_time_ms", pauses.summary());
            return m;
        });
        QuorumTransport transport = config.standalone() ? null
                : new QuorumTransport(config.myId(), config.servers(), inbound(ref), nettyTransport,
                        QuorumTransport.DEFAULT_OUTBOX_LIMIT_BYTES, config.quorumTls(), config.quorumSasl());
        long coreSeed = random.nextLong();
        EnsembleProcessor processor = new EnsembleProcessor(config, clock, r.state(), r.snapshotZxid(),
                sp -> config.standalone() ? new ZabCore(zab, r.zab(), sp, new SplittableRandom(coreSeed))
                        : new ZabCore(zab, r.zab(), sp, new SplittableRandom(coreSeed), new ConfigTxnCodec(),
                                ConfigTxnCodec.membership(DynamicConfig.of(config))),
                coreTickMs, storage, transport == null ? NO_PEERS : transport, StorageInfo.of(config.dataLogDir(),
                        config.dataDir(), storage).withDiskFull(storage::diskFull, storage::diskFullEvents, process),
                secret, random, fatal, RequestLoop.Factory.thread(clock));
        ref.set(processor);
        if (transport != null) {
            transport.acceptUnknownMembers(config.reconfig().enabled());
        }
        if (config.standalone()) {
            storage.rideOutDiskFull(new QuorumStorage.DiskFullListener() {
                @Override
                public void onDiskFull(long durableZxid, DiskFullException cause) {
                    processor.diskFull(durableZxid, cause);
                }

                @Override
                public void onSpaceAvailable() {
                    processor.spaceAvailable();
                }
            }, spaceAvailable);
        }
        EnsembleMember member = new EnsembleMember(log, storage, transport, processor);
        member.pauses = pauses;
        if (transport != null) {
            processor.onConfigChange(new MembershipChanges(config, transport, member::moveClientPort)::take);
        }
        try {
            pauses.start();
            storage.start();
            processor.start();
            if (transport != null) {
                transport.start();
            }
            member.attach(ClientServer.start(config, processor));
            // Standalone returns once it serves (it has led its one-voter ensemble through its own
            // log: an epoch write and a commit), as a standalone server always did.
            if (config.standalone() && !processor.awaitServing(STANDALONE_READY_TIMEOUT_MS)) {
                throw new IOException("not serving " + STANDALONE_READY_TIMEOUT_MS + " ms after start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            member.close();
            throw new IOException("interrupted while binding", e);
        } catch (RuntimeException | IOException e) {
            member.close();
            throw new IOException("cannot start ensemble member " + config.myId() + ": " + e.getMessage(), e);
        }
        if (config.standalone()) {
            LOG.info("Coord standalone (a one-voter ensemble) listening on {}", member.network.describePorts());
        } else {
            LOG.info("Coord ensemble member {} ({}) serving clients on {} ({} voters, {} observers)", config.myId(),
                    zab.observing() ? "observer" : "participant", member.network.describePorts(), voters.size(),
                    observers.size());
        }
        return member;
    }

    private void attach(ClientServer bound) {
        synchronized (portLock) {
            network = bound;
            if (pendingClientAddress != null) {
                bound.rebindPlain(pendingClientAddress);
            }
        }
    }

    /**
     * Called on the request thread with this member's client address from each configuration it
     * takes: the client port moves there when it is elsewhere (ZooKeeper's processReconfig →
     * cnxnFactory.reconfigure). A failed bind leaves the old port open; the next configuration
     * taken (or a restart, from the rewritten dynamic file) tries again.
     */
    private void moveClientPort(InetSocketAddress wanted) {
        synchronized (portLock) {
            if (network == null) {
                pendingClientAddress = wanted;
            } else {
                network.rebindPlain(wanted); // does nothing once the network is closed
            }
        }
    }

    /**
     * The ZAB core's tick: at most {@value #MAX_CORE_TICK_MS} ms whatever tickTime is, so that a lost
     * vote or FollowerInfo is resent within tens of milliseconds and a failover takes a few round
     * trips and fsyncs rather than whole tickTimes.
     */
    static int coreTickMs(int tickTimeMs) {
        return Math.max(1, Math.min(tickTimeMs, MAX_CORE_TICK_MS));
    }

    /** initLimit/syncLimit (in tickTimes) scaled to core ticks; votes are resent every ~100 ms. */
    static ZabConfig zabConfig(ServerConfig config, Set<Long> voters, Set<Long> observers, int coreTickMs) {
        long perTick = Math.max(1, config.tickTimeMs() / coreTickMs);
        int initTicks = (int) Math.min(Integer.MAX_VALUE, config.initLimit() * perTick);
        int syncTicks = (int) Math.min(Integer.MAX_VALUE, config.syncLimit() * perTick);
        int resendTicks = Math.max(1, VOTE_RESEND_MS / coreTickMs);
        return new ZabConfig(config.myId(), voters, observers, initTicks, syncTicks, resendTicks, MAX_HISTORY);
    }

    /** The member links of a member that is the only voter: there is nobody to talk to. */
    private static final QuorumLink NO_PEERS = new QuorumLink() {
        @Override
        public void send(long to, ZabMessage message) {
        }

        @Override
        public void forward(long to, ForwardedRequest request) {
        }

        @Override
        public void touch(long to, long[] sessionIds) {
        }
    };

    /**
     * Waits until the member serves clients (standalone: it has led its one-voter ensemble through
     * its own log); false when it did not within {@code timeoutMs}.
     */
    public boolean awaitServing(long timeoutMs) throws InterruptedException {
        return processor.awaitServing(timeoutMs);
    }

    private static QuorumInbound inbound(AtomicReference<EnsembleProcessor> ref) {
        return new QuorumInbound() {
            @Override
            public Backlog backlog() {
                return ref.get().backlog();
            }

            @Override
            public void onZab(long from, ZabMessage message) {
                ref.get().onZab(from, message);
            }

            @Override
            public void onForward(long from, ForwardedRequest request) {
                ref.get().onForward(from, request);
            }

            @Override
            public void onTouch(long from, long[] sessionIds) {
                ref.get().onTouch(from, sessionIds);
            }

            @Override
            public void onPeerDown(long peer) {
                ref.get().onPeerDown(peer);
            }
        };
    }

    public InetSocketAddress clientAddress() {
        return network.localAddress();
    }

    /** What the AdminServer and metrics read: the request thread's view of this member. */
    public StatusSource statusSource() {
        return processor;
    }

    /** The AdminServer's snapshot command: see {@link EnsembleProcessor#takeSnapshot()}. */
    public java.util.concurrent.CompletableFuture<Long> takeSnapshot() {
        return processor.takeSnapshot();
    }

    /** The ACL of {@code path} read on the request thread (null when there is no such node). */
    public java.util.concurrent.CompletableFuture<java.util.List<io.coord.wire.Acl>> aclOf(String path) {
        return processor.aclOf(path);
    }

    /** The core's counters (tests, metrics). */
    public io.coord.server.zab.ZabStats zabStats() {
        return processor.zabStats();
    }

    public int clientPort() {
        return clientAddress().getPort();
    }

    /** Where the member's quorum listener is bound (null standalone or once closed): moved by a reconfig. */
    public InetSocketAddress quorumAddress() {
        return transport == null ? null : transport.quorumAddress();
    }

    /** The bound secure (TLS) client port, or -1 when secureClientPort is not set. */
    public int securePort() {
        return network.secureAddress() == null ? -1 : network.secureAddress().getPort();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (network != null) {
            network.close();
        }
        if (transport != null) {
            transport.close();
        }
        processor.close();
        storage.close();
        if (pauses != null) {
            pauses.close();
        }
        try {
            log.close();
        } catch (IOException e) {
            LOG.warn("closing the txn log: {}", e.toString());
        }
        LOG.info("ensemble member stopped");
    }
}
