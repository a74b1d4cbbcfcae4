package io.coord.server;

import io.coord.server.admin.DataTransfer;
import io.coord.server.admin.StatusSource;
import io.coord.server.quorum.MemberDataTransfer;
import io.coord.server.session.Clock;

import io.coord.server.config.ServerConfig;
import io.coord.server.admin.ProcessFigures;
import io.coord.server.pipeline.FatalHandler;
import io.coord.server.quorum.EnsembleMember;
import io.coord.server.quorum.MemberSupervisor;
import io.coord.server.storage.FreeSpace;
import io.coord.server.storage.LogIo;
import io.coord.server.storage.TxnLog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * A running standalone Coord server: an ensemble of one voter ({@link EnsembleMember} without
 * member links), so standalone and ensemble share one request pipeline. {@link #start(ServerConfig)}
 * recovers state from dataDir, binds the client port and returns once clients can be served;
 * {@link #close()} stops it and releases every thread, socket and file. A full log disk does not
 * stop it: the writes the log could not take fail with a clear error, reads and sessions are served,
 * and writes resume by themselves once there is room (see {@code EnsembleProcessor.onDiskFull}).
 * A {@link MemberSupervisor} still runs it, so that a full disk met where the member cannot ride it
 * out (before it leads) restarts it from disk on the same client port once there is room.
 */
public final class CoordServer implements AutoCloseable {
    private final MemberSupervisor supervisor;
    private final AtomicReference<EnsembleMember> current;
    private final ServerConfig config;

    /**
     * What tests may replace: the reaction to a fatal failure (default: log one line and halt), the
     * log's file writes (to inject ENOSPC or EIO), and the free-space check a full log waits on
     * before it takes writes again (null: {@link FreeSpace#DEFAULT_RESUME_FREE_BYTES} usable in
     * dataLogDir).
     */
    public record Hooks(FatalHandler fatal, LogIo logIo, BooleanSupplier spaceAvailable) {
        public static final Hooks DEFAULT = new Hooks(FatalHandler.HALT, LogIo.REAL, null);
    }

    private CoordServer(MemberSupervisor supervisor, AtomicReference<EnsembleMember> current, ServerConfig config) {
        this.supervisor = supervisor;
        this.current = current;
        this.config = config;
    }

    public static CoordServer start(ServerConfig config) throws IOException {
        return start(config, Hooks.DEFAULT);
    }

    public static CoordServer start(ServerConfig config, Hooks hooks) throws IOException {
        if (!config.standalone()) {
            throw new IllegalArgumentException("the config names servers: start an EnsembleMember");
        }
        AtomicReference<ServerConfig> next = new AtomicReference<>(config);
        AtomicReference<EnsembleMember> current = new AtomicReference<>();
        BooleanSupplier space = hooks.spaceAvailable() != null ? hooks.spaceAvailable()
                : FreeSpace.forMember(config.dataDir(), config.dataLogDir(), FreeSpace.DEFAULT_RESUME_FREE_BYTES);
        ProcessFigures figures = new ProcessFigures();
        MemberSupervisor.Starter starter = fatal -> {
            EnsembleMember m = EnsembleMember.start(next.get(), TxnLog.DEFAULT_SEGMENT_TARGET_BYTES, fatal,
                    hooks.logIo(), space, figures);
            next.set(onPort(next.get(), m.clientAddress())); // a restart binds the same port
            current.set(m);
            return m;
        };
        try {
            return new CoordServer(MemberSupervisor.start(starter, hooks.fatal(), space, figures), current, config);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot start: " + e.getMessage(), e);
        }
    }

    private static ServerConfig onPort(ServerConfig c, InetSocketAddress bound) {
        return new ServerConfig(c.tickTimeMs(), c.dataDir(), c.dataLogDir(), bound, c.minSessionTimeoutMs(),
                c.maxSessionTimeoutMs(), c.maxClientCnxns(), c.maxCnxns(), c.fourLetterWords(), c.snapRetainCount(),
                c.purgeIntervalHours(), c.snapCount(), c.juteMaxBuffer(), c.extendedTypesEnabled(),
                c.containerCheckIntervalMs(), c.initLimit(), c.syncLimit(), c.groupCommitMaxWaitMicros(), c.nettyTransport(),
                c.myId(),
                c.servers(), c.admin(), c.metrics(), c.auth(), c.sasl(), c.tls(), c.quorumTls(), c.quorumSasl(),
                c.readOnlyModeEnabled(), c.localSessions(), c.configVersion(), c.reconfig());
    }

    /** What the AdminServer and metrics read: the request thread's view of this server. */
    public StatusSource statusSource() {
        return supervisor.statusSource();
    }

    /** The process's figures, which the AdminServer counts into and this server reports (mntr, monitor, /metrics). */
    public ProcessFigures processFigures() {
        return supervisor.figures();
    }

    /** What the AdminServer's snapshot and restore commands use; a restore starts the server again on the same port. */
    public DataTransfer dataTransfer() {
        return new MemberDataTransfer(supervisor, config, Clock.system());
    }

    /** The bound client port (useful when the config asked for port 0). */
    public int clientPort() {
        return clientAddress().getPort();
    }

    public InetSocketAddress clientAddress() {
        return current.get().clientAddress();
    }

    /** The bound secure (TLS) client port, or -1 when secureClientPort is not set. */
    public int securePort() {
        return current.get().securePort();
    }

    @Override
    public void close() {
        try {
            supervisor.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("stopping: " + e.getMessage(), e);
        }
    }
}
