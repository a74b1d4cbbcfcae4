package io.coord.server.quorum;

import io.coord.server.admin.ProcessFigures;
import io.coord.server.admin.StatusSource;
import java.util.concurrent.CompletableFuture;

import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerConfig;
import io.coord.server.pipeline.FatalHandler;
import io.coord.server.storage.DiskFullException;
import io.coord.server.storage.FreeSpace;
import io.coord.server.storage.LogIo;
import io.coord.server.storage.TxnLog;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an ensemble member and takes it through a full disk without a process restart.
 *
 * <p>When the member's log runs out of space it can no longer persist proposals (nor when the
 * data directory is full for a write of its epochs or of a snapshot the leader sent), so it must
 * stop acknowledging them (and a leader must stop leading) for the members with space to carry
 * on. The supervisor does that by closing the member: its quorum connections close, so the others
 * see it leave at once and, if it led, elect a new leader. Once both directories have space again it
 * starts the member anew from disk, as a process restart would; it syncs from the leader (DIFF,
 * TRUNC or SNAP) and serves again. Nothing it acknowledged is lost: a record the full disk cut
 * short was never acknowledged, and recovery drops a torn tail by its CRC.
 *
 * <p>Every other fatal error still stops the process ({@link FatalHandler#HALT} by default): a
 * failed fsync or a broken invariant is not something waiting fixes.
 */
public final class MemberSupervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemberSupervisor.class);
    /** How often a stopped member checks whether its data and log directories have space again. */
    static final long SPACE_POLL_MS = 1_000;

    /** Starts one incarnation of the member, which reports its fatal errors to {@code fatal}. */
    @FunctionalInterface
    public interface Starter {
        AutoCloseable start(FatalHandler fatal) throws Exception;
    }

    private final Starter starter;
    private final FatalHandler halt;
    private final BooleanSupplier spaceIsBack;
    private final long pollMs;
    private final Object lock = new Object();
    private AutoCloseable member; // guarded by lock; null while stopped for a full disk
    private Thread restarter; // guarded by lock; the thread handling the current full disk
    private boolean closed; // guarded by lock
    private int restarts; // guarded by lock
    private boolean restoring; // guarded by lock; the member is stopped for a restore
    /** The process's figures, which outlive the member's incarnations (unrecoverable_error_count is counted here). */
    private final ProcessFigures figures;

    MemberSupervisor(Starter starter, FatalHandler halt, BooleanSupplier spaceIsBack, long pollMs) {
        this(starter, halt, spaceIsBack, pollMs, new ProcessFigures());
    }

    MemberSupervisor(Starter starter, FatalHandler halt, BooleanSupplier spaceIsBack, long pollMs,
                     ProcessFigures figures) {
        this.figures = figures;
        this.starter = starter;
        this.halt = halt;
        this.spaceIsBack = spaceIsBack;
        this.pollMs = pollMs;
    }

    /**
     * Starts the member of {@code config}; a full log disk stops it until space is back. A restart
     * reads the config file again when there is one: a reconfig may have rewritten it since, and a
     * member must start from the newest membership it took.
     */
    public static MemberSupervisor start(ServerConfig config) throws Exception {
        java.nio.file.Path file = config.reconfig().configFile();
        boolean[] first = {true};
        ProcessFigures figures = new ProcessFigures();
        BooleanSupplier space = FreeSpace.forMember(config.dataDir(), config.dataLogDir(),
                FreeSpace.DEFAULT_RESUME_FREE_BYTES);
        MemberSupervisor s = new MemberSupervisor(
                fatal -> {
                    ServerConfig now = first[0] || file == null ? config : ConfigParser.load(file);
                    first[0] = false;
                    return EnsembleMember.start(now, TxnLog.DEFAULT_SEGMENT_TARGET_BYTES, fatal, LogIo.REAL, space,
                            figures);
                },
                FatalHandler.HALT, space, SPACE_POLL_MS, figures);
        s.startFirst();
        return s;
    }

    /**
     * Starts a member through {@code starter} (which may start a standalone one-voter member as well);
     * {@code halt} gets every fatal error but a full disk, after which the member starts again once
     * {@code spaceIsBack}. The starter hands {@code figures} to each member it starts (they are reported with its own).
     */
    public static MemberSupervisor start(Starter starter, FatalHandler halt, BooleanSupplier spaceIsBack,
                                         ProcessFigures figures) throws Exception {
        MemberSupervisor s = new MemberSupervisor(starter, halt, spaceIsBack, SPACE_POLL_MS, figures);
        s.startFirst();
        return s;
    }

    void startFirst() throws Exception {
        AutoCloseable m = starter.start(this::onFatal);
        synchronized (lock) {
            member = m;
        }
    }

    /**
     * The running incarnation's status for the AdminServer and metrics; fails while the member is
     * stopped for a full disk (the HTTP answer then says the server is not running).
     */
    public StatusSource statusSource() {
        return scope -> {
            AutoCloseable m;
            synchronized (lock) {
                m = member;
            }
            return m instanceof EnsembleMember em ? em.statusSource().status(scope)
                    : CompletableFuture.failedFuture(new IllegalStateException("this member is stopped"));
        };
    }

    /** The process's figures: the AdminServer counts into them, every incarnation of the member reports them. */
    public ProcessFigures figures() {
        return figures;
    }

    /** The running incarnation, or null while it is stopped (full disk, restore). */
    EnsembleMember member() {
        synchronized (lock) {
            return member instanceof EnsembleMember em ? em : null;
        }
    }

    /** Work on the data directories of a stopped member. */
    @FunctionalInterface
    interface WhileStopped<T> {
        T run() throws Exception;
    }

    /**
     * Stops the member, runs {@code action} (which replaces its state on disk) and starts it again
     * from disk, as a process restart would; it starts again whether or not the action succeeded
     * (an action that fails must leave the data as it was). If it cannot start again, that is fatal.
     *
     * @throws IllegalStateException when the member is not running (stopped for a full disk, closed)
     */
    <T> T whileStopped(WhileStopped<T> action) throws Exception {
        AutoCloseable m;
        synchronized (lock) {
            if (closed || restarter != null || restoring || member == null) {
                throw new IllegalStateException("the member is not running (stopped, stopping or restoring)");
            }
            restoring = true;
            m = member;
            member = null;
        }
        closeQuietly(m);
        T result = null;
        Exception failure = null;
        try {
            result = action.run();
        } catch (Exception e) {
            failure = e;
        }
        AutoCloseable started;
        try {
            started = starter.start(this::onFatal);
        } catch (Exception e) {
            synchronized (lock) {
                restoring = false;
            }
            halt.fatal("the member could not start again after a restore", e);
            throw e;
        }
        boolean keep;
        synchronized (lock) {
            restoring = false;
            keep = !closed;
            if (keep) {
                member = started;
            }
        }
        if (!keep) {
            closeQuietly(started);
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /** Times the member was started again after a full disk. */
    int restarts() {
        synchronized (lock) {
            return restarts;
        }
    }

    /** Called on the failed thread (the log or request thread): must not wait for the member to close. */
    void onFatal(String what, Throwable cause) {
        if (!DiskFullException.isDiskFull(cause)) {
            halt.fatal(what, cause);
            return;
        }
        synchronized (lock) {
            if (closed || restarter != null || restoring) {
                return; // already stopping, or the second thread to notice the same full disk
            }
            LOG.error("{}; this member stops (the others carry on) and starts again from disk once its data "
                    + "and log directories have space", what, cause);
            // ZooKeeper counts a critical thread's failure (its SyncRequestProcessor's on a full disk)
            // and the server stops; the peer carries on and serves again after an election, as here.
            figures.memberFailStopped();
            restarter = new Thread(this::stopUntilSpaceIsBack, "coord-disk-full");
            restarter.setDaemon(true);
            restarter.start();
        }
    }

    private void stopUntilSpaceIsBack() {
        closeMember();
        while (!isClosed()) {
            if (spaceIsBack.getAsBoolean() && tryRestart()) {
                return;
            }
            try {
                Thread.sleep(pollMs);
            } catch (InterruptedException e) {
                return; // close() interrupts a waiting restarter
            }
        }
    }

    private boolean tryRestart() {
        AutoCloseable m;
        try {
            m = starter.start(this::onFatal);
        } catch (Exception e) {
            // Recovery itself may need space (a new log segment, a snapshot): wait and try again.
            LOG.warn("restarting the member after a full disk failed: {}; trying again", e.toString());
            return false;
        }
        synchronized (lock) {
            if (!closed) {
                member = m;
                restarter = null;
                restarts++;
                LOG.info("the data and log directories have space again; the member started from disk");
                return true;
            }
        }
        closeQuietly(m);
        return true;
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void closeMember() {
        AutoCloseable m;
        synchronized (lock) {
            m = member;
            member = null;
        }
        closeQuietly(m);
    }

    private static void closeQuietly(AutoCloseable m) {
        if (m == null) {
            return;
        }
        try {
            m.close();
        } catch (Exception e) {
            LOG.warn("error while stopping the member: {}", e.toString());
        }
    }

    @Override
    public void close() throws Exception {
        Thread waiting;
        synchronized (lock) {
            closed = true;
            waiting = restarter;
        }
        if (waiting != null) {
            waiting.interrupt();
            waiting.join();
        }
        closeMember();
    }
}
