package io.coord.bench.phase;

import io.coord.bench.LoadShape;
import io.coord.bench.PhaseOutcome;
import io.coord.bench.target.BenchTls;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The client side of one round against one target: N connected sessions, a fresh root znode, and
 * the set of benchmark znodes that currently exist. Benchmark znodes are {@code root/n<index>}
 * and always form the contiguous range {@code [0, liveNodes)}: create appends at the top, delete
 * removes from the top, so phases can run in any order.
 */
public final class Workload implements AutoCloseable {
    private static final long CONNECT_TIMEOUT_MS = 30_000;

    private final List<ZooKeeper> sessions;
    private final String connectString;
    private final LoadShape shape;
    private final String root;
    private final byte[] value;
    private final AsyncDriver driver;
    private final PrintStream progressOut;
    private long liveNodes;

    private Workload(List<ZooKeeper> sessions, String connectString, LoadShape shape, String root,
                     PrintStream progressOut) {
        this.sessions = sessions;
        this.connectString = connectString;
        this.progressOut = progressOut;
        this.shape = shape;
        this.root = root;
        this.value = new byte[shape.valueBytes()];
        Arrays.fill(value, (byte) 'v');
        this.driver = new AsyncDriver(sessions, shape.inflight(), shape.progressIntervalMs(),
                shape.stallTimeoutMs(), progressOut);
    }

    /**
     * Connects {@code shape.sessions()} sessions to {@code connectString}, spread over its hosts
     * ({@link SessionPlacement#SPREAD}), and creates the root {@code rootName} (a single path
     * segment, unique per round).
     */
    public static Workload open(String connectString, LoadShape shape, String rootName, PrintStream progressOut)
            throws IOException, InterruptedException {
        return open(connectString, SessionPlacement.SPREAD, shape, rootName, progressOut);
    }

    /** As {@link #open(String, LoadShape, String, PrintStream)}, placing sessions on hosts as told. */
    public static Workload open(String connectString, SessionPlacement placement, LoadShape shape, String rootName,
                                PrintStream progressOut) throws IOException, InterruptedException {
        return open(connectString, placement, shape, rootName, progressOut, null);
    }

    /** As {@link #open(String, SessionPlacement, LoadShape, String, PrintStream)}, over TLS when {@code tls} is given. */
    public static Workload open(String connectString, SessionPlacement placement, LoadShape shape, String rootName,
                                PrintStream progressOut, BenchTls tls) throws IOException, InterruptedException {
        List<ZooKeeper> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < shape.sessions(); i++) {
                sessions.add(connect(placement.connectStringFor(i, connectString), shape.sessionTimeoutMs(), tls));
            }
            String root = "/" + rootName;
            sessions.get(0).create(root, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            return new Workload(sessions, connectString, shape, root, progressOut);
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeAll(sessions);
            throw e;
        } catch (KeeperException e) {
            closeAll(sessions);
            throw new IOException("cannot create the benchmark root on " + connectString + ": " + e, e);
        }
    }

    private static ZooKeeper connect(String connectString, int sessionTimeoutMs, BenchTls tls)
            throws IOException, InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        Watcher watcher = (WatchedEvent event) -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        };
        ZooKeeper zk = tls == null ? new ZooKeeper(connectString, sessionTimeoutMs, watcher)
                : new ZooKeeper(connectString, sessionTimeoutMs, watcher, tls.clientConfig());
        if (!connected.await(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            zk.close();
            throw new IOException("no session with " + connectString + " within " + CONNECT_TIMEOUT_MS + " ms");
        }
        return zk;
    }

    public AsyncDriver driver() {
        return driver;
    }

    /** The target's connect string, for phases that open their own clients (e.g. Curator). */
    public String connectString() {
        return connectString;
    }

    /** Where progress lines go (stderr in the CLI), or null for silence. */
    public PrintStream progressOut() {
        return progressOut;
    }

    public LoadShape shape() {
        return shape;
    }

    public byte[] value() {
        return value;
    }

    public String root() {
        return root;
    }

    public String nodePath(long index) {
        return root + "/n" + index;
    }

    public long liveNodes() {
        return liveNodes;
    }

    /** Records that the create or delete a phase just ran moved the top of the live range. */
    public void setLiveNodes(long liveNodes) {
        this.liveNodes = Math.max(0, liveNodes);
    }

    public List<ZooKeeper> sessions() {
        return sessions;
    }

    /** Creates (unmeasured) znodes until at least {@code count} exist. */
    public void ensureLiveNodes(long count) throws InterruptedException {
        long missing = count - liveNodes;
        if (missing <= 0) {
            return;
        }
        long base = liveNodes;
        PhaseOutcome outcome = driver.drive("populate", missing, CrudOps.create(this, base));
        requireClean("populate", outcome);
        liveNodes = base + missing;
    }

    /** Deletes every benchmark znode and the root (unmeasured). */
    public void removeAll() throws InterruptedException {
        long live = liveNodes;
        PhaseOutcome outcome = driver.drive("cleanup", live, CrudOps.delete(this, 0));
        liveNodes = 0;
        requireClean("cleanup", outcome);
        try {
            sessions.get(0).delete(root, -1);
        } catch (KeeperException e) {
            throw new IllegalStateException("cannot delete " + root + ": " + e, e);
        }
    }

    private static void requireClean(String what, PhaseOutcome outcome) {
        if (outcome.errors() > 0) {
            throw new IllegalStateException(what + " had " + outcome.errors() + " errors, first: "
                    + outcome.firstError());
        }
    }

    @Override
    public void close() throws InterruptedException {
        closeAll(sessions);
    }

    private static void closeAll(List<ZooKeeper> sessions) throws InterruptedException {
        for (ZooKeeper zk : sessions) {
            zk.close();
        }
    }
}
