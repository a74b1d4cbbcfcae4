package io.coord.bench.expiry;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The child JVM of {@code expiry}: a stock ZooKeeper client session holding one ephemeral node, kept
 * open until the process is killed. Prints {@code READY <sessionId hex>} on stdout once the node
 * exists; anything else it prints is ignored by the parent.
 * Arguments: connect string, session timeout ms, node path.
 */
public final class EphemeralHolder {
    static final String READY = "READY ";

    private EphemeralHolder() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: EphemeralHolder CONNECT SESSION_TIMEOUT_MS PATH");
            System.exit(2);
        }
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(args[0], Integer.parseInt(args[1]), event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            System.err.println("could not connect to " + args[0]);
            System.exit(1);
        }
        zk.create(args[2], new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        PrintStream out = System.out;
        out.println(READY + Long.toHexString(zk.getSessionId()) + " " + zk.getSessionTimeout());
        out.flush();
        // Idle (the client pings) until SIGKILL: no closeSession is ever sent.
        new CountDownLatch(1).await();
    }
}
