package io.coord.server;

import io.coord.server.config.ServerConfig;
import io.coord.server.durability.Recovery;
import io.coord.server.durability.SessionSecret;
import io.coord.server.durability.Snapshotter;
import io.coord.server.net.ClientServer;
import io.coord.server.pipeline.RecoveredState;
import io.coord.server.pipeline.RequestProcessor;
import io.coord.server.pipeline.StorageInfo;
import io.coord.server.session.Clock;
import io.coord.server.storage.DurableListener;
import io.coord.server.storage.FlushPacer;
import io.coord.server.storage.GroupCommitter;
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

    private CoordServer(TxnLog log, GroupCommitter committer, Snapshotter snapshotter,
                        RequestProcessor processor, ClientServer network) {
        this.log = log;
        this.committer = committer;
        this.snapshotter = snapshotter;
        this.processor = processor;
        this.network = network;
    }

    public static CoordServer start(ServerConfig config) throws IOException {
        Files.createDirectories(config.dataDir());
        Files.createDirectories(config.dataLogDir());
        Clock clock = Clock.system();
        SecureRandom random = new SecureRandom();
        byte[] secret = SessionSecret.loadOrCreate(new MetaStore(config.dataDir()), random);
        SnapshotStore snapshots = new SnapshotStore(config.dataDir());
        // Opening the log checks every segment with cold (interpreted) code: about half a second
        // for 100 MB. It runs while the snapshot loads, which needs the log only afterwards.
        FutureTask<TxnLog> logOpening = new FutureTask<>(
                () -> TxnLog.open(config.dataLogDir(), TxnLog.DEFAULT_SEGMENT_TARGET_BYTES));
        new Thread(logOpening, "coord-log-open").start();
        try {
            RecoveredState state = Recovery.recover(snapshots, () -> opened(logOpening), clock,
                    config.tickTimeMs(), config.myId(), secret);
            return wire(config, clock, random, opened(logOpening), snapshots, state);
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
                                    SnapshotStore snapshots, RecoveredState state) throws IOException {
        AtomicReference<RequestProcessor> processorRef = new AtomicReference<>();
        GroupCommitter committer = new GroupCommitter(log, LOG_QUEUE_CAPACITY, MAX_BATCH_RECORDS,
                new FlushPacer(config.groupCommitMaxWaitMicros()),
                new DurableListener() {
                    @Override
                    public void onDurable(long zxid) {
                        processorRef.get().durable(zxid);
                    }

                    @Override
                    public void onFailure(Throwable cause) {
                        LOG.error("the txn log failed: no write will be acknowledged any more; stop and "
                                + "check the disk", cause);
                    }
                });
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
                () -> committer.totalSyncNanos() / 1000, () -> committer.maxSyncNanos() / 1000), snapshotter);
        processorRef.set(processor);
        committer.start();
        processor.start();
        try {
            ClientServer network = ClientServer.start(config, processor);
            CoordServer server = new CoordServer(log, committer, snapshotter, processor, network);
            LOG.info("Coord {} serving on {} (zxid 0x{})", config.standalone() ? "standalone" : "member",
                    network.localAddress(), Long.toHexString(state.lastZxid()));
            return server;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding", e);
        } catch (RuntimeException | IOException e) {
            processor.close();
            closeQuietly(committer, snapshotter, log);
            throw new IOException("cannot bind " + config.clientAddress() + ": " + e.getMessage(), e);
        }
    }

    /** The bound client port (useful when the config asked for port 0). */
    public int clientPort() {
        return network.localAddress().getPort();
    }

    public InetSocketAddress clientAddress() {
        return network.localAddress();
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
