package io.coord.bench.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * Stock ZooKeeper client sessions on the whole ensemble (the client picks a member, and moves on a
 * connection loss). A session that expired is replaced by a new one, as an application would.
 */
final class Clients implements AutoCloseable {
    static final int SESSION_TIMEOUT_MS = 6_000;
    private static final int SETUP_ATTEMPTS = 40;

    private final String connectString;
    private final List<ZooKeeper> open = new ArrayList<>();

    Clients(String connectString) {
        this.connectString = connectString;
    }

    /** A connected session, or an exception after {@code waitMs}. */
    ZooKeeper connect(long waitMs) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connectString, SESSION_TIMEOUT_MS, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        synchronized (this) {
            open.add(zk);
        }
        if (!connected.await(waitMs, TimeUnit.MILLISECONDS)) {
            zk.close(500);
            throw new IllegalStateException("no member accepted a session within " + waitMs + " ms");
        }
        return zk;
    }

    /** The session if it is usable, else a new one (closing the old); null while none can be made. */
    ZooKeeper usable(ZooKeeper zk) {
        if (zk != null && zk.getState().isAlive()) {
            return zk;
        }
        try {
            if (zk != null) {
                zk.close(200);
            }
            return connect(SESSION_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    /** sync(path), waited for: true if the member answered OK. */
    static boolean sync(ZooKeeper zk, String path) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        int[] rc = {-1};
        zk.sync(path, (code, p, ctx) -> {
            rc[0] = code;
            done.countDown();
        }, null);
        return done.await(SESSION_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS) && rc[0] == 0;
    }

    /**
     * Creates a persistent node before the faults start. A freshly started ensemble on a loaded
     * machine may still lose a reply (a run once ended here, its remaining seeds with it): retried,
     * and a node that exists is the lost attempt's own.
     */
    static void createForSetUp(ZooKeeper zk, String path, byte[] data) throws KeeperException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                return;
            } catch (KeeperException.NodeExistsException e) {
                return;
            } catch (KeeperException e) {
                if (definite(e) || attempt == SETUP_ATTEMPTS) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    /** Whether an error says the operation certainly did not happen (false: it may have). */
    static boolean definite(KeeperException e) {
        return switch (e.code()) {
            case CONNECTIONLOSS, SESSIONEXPIRED, OPERATIONTIMEOUT, SESSIONMOVED, REQUESTTIMEOUT -> false;
            default -> true;
        };
    }

    @Override
    public synchronized void close() throws InterruptedException {
        for (ZooKeeper zk : open) {
            zk.close(500);
        }
        open.clear();
    }
}
