package io.coord.server;

import io.coord.server.admin.StatusSource;

import io.coord.server.config.ConfigException;
import io.coord.server.config.ServerConfig;
import io.coord.server.durability.Recovery;
import io.coord.server.durability.SessionSecret;
import io.coord.server.durability.Snapshotter;
import io.coord.server.net.ClientServer;
import io.coord.server.pipeline.FatalHandler;
import io.coord.server.pipeline.RecoveredState;
import io.coord.server.pipeline.RequestProcessor;
import io.coord.server.pipeline.StorageInfo;
import io.coord.server.session.Clock;
import io.coord.server.storage.DurableListener;
import io.coord.server.storage.FlushPacer;
import io.coord.server.storage.ForeignDataCheck;
import io.coord.server.storage.GroupCommitter;
import io.coord.server.storage.LogIo;
import io.coord.server.storage.MetaStore;
import io.coord.server.storage.SnapshotStore;
import io.coord.server.storage.TxnLog;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Coord server. {@link #start(ServerConfig)} recovers state from dataDir, binds the
 * client port and returns once clients can be served; {@link #close()} stops it and releases
 * every thread, socket and file.
 */
public final class CoordServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CoordServer.class);
    /** Records that may wait for the log thread before the request thread blocks. */
    private static final int LOG_QUEUE_CAPACITY = 20_000;
    private static final int MAX_BATCH_RECORDS = 5_000;

    private final TxnLog log;
    private final GroupCommitter committer;
    private final Snapshotter snapshotter;
    private final RequestProcessor processor;
    private final ClientServer network;
    private volatile boolean closed;

    /**
     * What tests may replace: the reaction to a fatal failure (default: log one line and halt),
     * the log's file writes (to inject ENOSPC or EIO), and the free-space check a full log waits
     * on before it accepts writes again (null: {@link GroupCommitter#DEFAULT_RESUME_FREE_BYTES}
     * usable in dataLogDir).
     */
    public record Hooks(FatalHandler fatal, LogIo logIo, BooleanSupplier spaceAvailable) {
        public static final Hooks DEFAULT = new Hooks(FatalHandler.HALT, LogIo.REAL, null);
    }

    private CoordServer(TxnLog log, GroupCommitter committer, Snapshotter snapshotter,
                        RequestProcessor processor, ClientServer network) {
        this.log = log;
        this.committer = committer;
        this.snapshotter = snapshotter;
        this.processor = processor;
        this.network = network;
    }

    public static CoordServer start(ServerConfig config) throws IOException {
        return start(config, Hooks.DEFAULT);
    }

    public static CoordServer start(ServerConfig config, Hooks hooks) throws IOException {
        ForeignDataCheck.refuseZooKeeperData(config.dataDir(), config.dataLogDir());
        Files.createDirectories(config.dataDir());
        Files.createDirectories(config.dataLogDir());
        Clock clock = Clock.system();
        SecureRandom random = new SecureRandom();
        byte[] secret = SessionSecret.loadOrCreate(new MetaStore(config.dataDir()), random);
        SnapshotStore snapshots = new SnapshotStore(config.dataDir());
        // Opening the log checks every segment with cold (interpreted) code: about half a second
        // for 100 MB. It runs while the snapshot loads, which needs the log only afterwards.
        FutureTask<TxnLog> logOpening = new FutureTask<>(
                () -> TxnLog.open(config.dataLogDir(), TxnLog.DEFAULT_SEGMENT_TARGET_BYTES, hooks.logIo()));
        new Thread(logOpening, "coord-log-open").start();
        try {
            RecoveredState state = Recovery.recover(snapshots, () -> opened(logOpening), clock,
                    config.tickTimeMs(), config.myId(), secret);
            return wire(config, clock, random, opened(logOpening), snapshots, state, hooks);
        } catch (IOException | RuntimeException e) {
            closeIfOpened(logOpening);
            throw e;
        }
    }

    private static TxnLog opened(FutureTask<TxnLog> opening) throws IOException {
        try {
            return opening.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the txn log was opening");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("cannot open the txn log", e.getCause());
        }
    }

    private static void closeIfOpened(FutureTask<TxnLog> opening) {
        try {
            opening.get().close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | IOException | RuntimeException ignored) {
            // the open failed (that error, or the recovery's, is what the caller reports)
        }
    }

    private static CoordServer wire(ServerConfig config, Clock clock, SecureRandom random, TxnLog log,
                                    SnapshotStore snapshots, RecoveredState state, Hooks hooks) throws IOException {
        AtomicReference<RequestProcessor> processorRef = new AtomicReference<>();
        AtomicReference<GroupCommitter> committerRef = new AtomicReference<>();
        AtomicReference<CoordServer> serverRef = new AtomicReference<>();
        DurableListener listener = new DurableListener() {
            @Override
            public void onDurable(long zxid) {
                processorRef.get().durable(zxid);
            }

            @Override
            public void onDiskFull(long durableZxid) {
                processorRef.get().diskFull(durableZxid, () -> resume(committerRef.get()));
            }

            @Override
            public void onSpaceAvailable() {
                processorRef.get().spaceAvailable();
            }

            @Override
            public void onFailure(Throwable cause) {
                CoordServer server = serverRef.get();
                if (server != null && server.closed) {
                    LOG.warn("the txn log failed while stopping: {}", cause.toString());
                    return;
                }
                // After a failed fsync the kernel may have dropped the dirty pages: nothing written
                // since the last good fsync can be trusted, and no reply may be released.
                hooks.fatal().fatal("the txn log failed (" + cause + "); writes cannot be made durable", cause);
            }
        };
        BooleanSupplier space = hooks.spaceAvailable() != null ? hooks.spaceAvailable()
                : GroupCommitter.freeBytesAtLeast(config.dataLogDir(), GroupCommitter.DEFAULT_RESUME_FREE_BYTES);
        GroupCommitter committer = new GroupCommitter(log, LOG_QUEUE_CAPACITY, MAX_BATCH_RECORDS,
                new FlushPacer(config.groupCommitMaxWaitMicros()), listener, space, clock::nowNanos);
        committerRef.set(committer);
        Snapshotter snapshotter = new Snapshotter(state.tree(), state.sessions(), snapshots,
                committer::highestDurableZxid, committer::requestPurge, config.snapCount(),
                config.snapRetainCount(), random);
        RequestProcessor processor = new RequestProcessor(config, clock, state, (zxid, bytes) -> {
            try {
                committer.submit(zxid, bytes);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while queueing a txn", e);
            }
        }, StorageInfo.of(config.dataLogDir(), config.dataDir(), committer::batches,
                () -> committer.totalSyncNanos() / 1000, () -> committer.maxSyncNanos() / 1000)
                .withDiskFull(committer::diskFull, committer::diskFullEvents), snapshotter, hooks.fatal());
        processorRef.set(processor);
        committer.start();
        processor.start();
        try {
            ClientServer network = ClientServer.start(config, processor);
            CoordServer server = new CoordServer(log, committer, snapshotter, processor, network);
            serverRef.set(server);
            LOG.info("Coord {} serving on {} (zxid 0x{})", config.standalone() ? "standalone" : "member",
                    network.describePorts(), Long.toHexString(state.lastZxid()));
            return server;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding", e);
        } catch (RuntimeException | IOException e) {
            processor.close();
            closeQuietly(committer, snapshotter, log);
            if (e instanceof ConfigException c) {
                throw c; // a TLS store that stopped loading since the config was read: name the key
            }
            throw new IOException("cannot bind " + config.anyClientAddress() + ": " + e.getMessage(), e);
        }
    }

    private static void resume(GroupCommitter committer) {
        try {
            committer.resume();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resuming the txn log", e);
        }
    }

    /** What the AdminServer and metrics read: the request thread's view of this server. */
    public StatusSource statusSource() {
        return processor;
    }

    /** The bound client port (useful when the config asked for port 0). */
    public int clientPort() {
        return network.localAddress().getPort();
    }

    public InetSocketAddress clientAddress() {
        return network.localAddress();
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
        network.close();
        processor.close();
        closeQuietly(committer, snapshotter, log);
        LOG.info("Coord stopped");
    }

    private static void closeQuietly(GroupCommitter committer, Snapshotter snapshotter, TxnLog log) {
        try {
            committer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        snapshotter.close();
        try {
            log.close();
        } catch (IOException e) {
            LOG.warn("closing the txn log: {}", e.toString());
        }
    }
}
