package io.coord.bench.phase;

import io.coord.bench.PhaseOutcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;

/**
 * {@code lock}: one lock path, one Curator {@link InterProcessMutex} per session, every session
 * acquiring and immediately releasing in a loop until {@code ops} acquisitions are done. Curator
 * runs the classic recipe (ephemeral-sequential child, watch the predecessor) the same way against
 * every target, so the figures compare servers, not lock implementations.
 *
 * <p>Each op is one acquire + release; the recorded latency is the acquire alone (request to
 * ownership, including the wait behind the other sessions). The phase opens its own Curator
 * clients (one ZooKeeper session each, {@code sessions} of them); {@code inflight} does not apply.
 */
final class CuratorLockPhase implements BenchPhase {
    private static final int CONNECT_TIMEOUT_SECONDS = 30;

    @Override
    public String name() {
        return "lock";
    }

    @Override
    public String description() {
        return "Curator InterProcessMutex acquire+release, all sessions contending on one lock (latency = acquire)";
    }

    @Override
    public PhaseOutcome run(Workload w) throws InterruptedException {
        String lockPath = w.root() + "/lock";
        // A persistent parent: Curator would otherwise create a container, which ZooKeeper may reap mid-phase.
        createPersistent(w, lockPath);
        List<CuratorFramework> clients = new ArrayList<>();
        try {
            for (int i = 0; i < w.shape().sessions(); i++) {
                clients.add(connect(w));
            }
            long acquireTimeoutMs = w.shape().stallTimeoutMs();
            List<WorkerLoop.BlockingOp> ops = new ArrayList<>();
            for (CuratorFramework client : clients) {
                InterProcessMutex mutex = new InterProcessMutex(client, lockPath);
                ops.add(opIndex -> acquireAndRelease(mutex, acquireTimeoutMs));
            }
            return new WorkerLoop(clients.size(), w.shape().progressIntervalMs(), w.shape().stallTimeoutMs(),
                    w.progressOut()).run(name(), w.shape().opsPerPhase(), ops);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            clients.forEach(CuratorFramework::close);
            deleteQuietly(w, lockPath);
        }
    }

    private static long acquireAndRelease(InterProcessMutex mutex, long timeoutMs) throws Exception {
        long started = System.nanoTime();
        if (!mutex.acquire(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("lock not acquired within " + timeoutMs + " ms");
        }
        long acquiredNanos = System.nanoTime() - started;
        mutex.release();
        return acquiredNanos;
    }

    private static CuratorFramework connect(Workload w) throws IOException, InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(w.connectString())
                .sessionTimeoutMs(w.shape().sessionTimeoutMs())
                .connectionTimeoutMs(CONNECT_TIMEOUT_SECONDS * 1000)
                .retryPolicy(new ExponentialBackoffRetry(100, 3))
                .build();
        client.start();
        if (!client.blockUntilConnected(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            client.close();
            throw new IOException("Curator did not connect to " + w.connectString() + " within "
                    + CONNECT_TIMEOUT_SECONDS + " s");
        }
        return client;
    }

    static void createPersistent(Workload w, String path) throws InterruptedException {
        try {
            w.sessions().get(0).create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException e) {
            throw new IllegalStateException("cannot create " + path + ": " + e, e);
        }
    }

    /** Removes the lock parent (and any child a failed run left); the round's cleanup needs an empty root. */
    static void deleteQuietly(Workload w, String path) throws InterruptedException {
        var zk = w.sessions().get(0);
        try {
            for (String child : zk.getChildren(path, false)) {
                try {
                    zk.delete(path + "/" + child, -1);
                } catch (KeeperException.NoNodeException e) {
                    // an ephemeral that went with its closed session
                }
            }
            zk.delete(path, -1);
        } catch (KeeperException.NoNodeException e) {
            // already gone
        } catch (KeeperException e) {
            throw new IllegalStateException("cannot delete " + path + ": " + e, e);
        }
    }
}
