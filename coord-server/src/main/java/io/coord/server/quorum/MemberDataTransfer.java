package io.coord.server.quorum;

import io.coord.server.admin.DataTransfer;
import io.coord.server.config.ServerConfig;
import io.coord.server.session.Clock;
import io.coord.server.storage.SnapshotStore;
import io.coord.wire.Acl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AdminServer's snapshot and restore commands on a supervised member.
 *
 * <p>Restore is a standalone server's operation: the member is stopped, the uploaded snapshot
 * (verified whole first) becomes its entire state on disk, and it starts again from disk. In an
 * ensemble it is refused: installing a state on one member behind the others' back would let the
 * next election pick either history, and a restore through the leader would need a new kind of
 * replicated state install. An ensemble is restored offline: stop every member and start each on
 * the same backup (see the README).
 */
public final class MemberDataTransfer implements DataTransfer {
    private static final Logger LOG = LoggerFactory.getLogger(MemberDataTransfer.class);

    private final MemberSupervisor supervisor;
    private final ServerConfig config;
    private final Clock clock;

    public MemberDataTransfer(MemberSupervisor supervisor, ServerConfig config, Clock clock) {
        this.supervisor = supervisor;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<List<Acl>> aclOf(String path) {
        EnsembleMember m = supervisor.member();
        return m == null ? stopped() : m.aclOf(path);
    }

    @Override
    public CompletableFuture<Long> takeSnapshot() {
        EnsembleMember m = supervisor.member();
        return m == null ? stopped() : m.takeSnapshot();
    }

    @Override
    public SnapshotStore.OpenedSnapshot openSnapshot(long zxid) throws IOException {
        return new SnapshotStore(config.dataDir()).openListed(zxid);
    }

    @Override
    public Path stagingDirectory() {
        return config.dataDir();
    }

    @Override
    public Restored restore(Path file, Integer expectedCrc32c) throws IOException {
        if (!config.standalone()) {
            throw new UnsupportedOperationException("restore is refused on a member of an ensemble: stop every"
                    + " member and start each on the same backup (see the README, Operating Coord)");
        }
        SnapshotRestore.Verified v = SnapshotRestore.verify(file, expectedCrc32c, clock);
        LOG.warn("restore: the uploaded snapshot verified (zxid 0x{}, {} nodes, {} sessions); stopping this server"
                + " to install it", Long.toHexString(v.zxid()), v.nodeCount(), v.sessionCount());
        try {
            long zxid = supervisor.whileStopped(() -> SnapshotRestore.install(config.dataDir(), config.dataLogDir(),
                    file, v));
            LOG.warn("restore: serving the restored state at zxid 0x{}", Long.toHexString(zxid));
            return new Restored(zxid, v.zxid(), v.nodeCount(), v.sessionCount());
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("restore failed: " + e.getMessage(), e);
        }
    }

    private static <T> CompletableFuture<T> stopped() {
        return CompletableFuture.failedFuture(new IllegalStateException("this member is stopped"));
    }
}
