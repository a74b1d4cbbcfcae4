package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/** Opens stock Apache ZooKeeper clients and waits until they are connected. */
public final class StockClients {

    /** Creates a client that reports its events to the given watcher. */
    @FunctionalInterface
    public interface Opener {
        ZooKeeper open(Watcher watcher) throws Exception;
    }

    private StockClients() {
    }

    /**
     * A client opened by {@code opener} that has seen SyncConnected when this returns; every event
     * also goes to {@code defaultWatcher}. Fails the test, closing the client, when it does not
     * connect within {@code wait}.
     */
    public static ZooKeeper connected(Opener opener, Watcher defaultWatcher, Duration wait,
            String description) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper client = opener.open(event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
            defaultWatcher.process(event);
        });
        try {
            assertTrue(connected.await(wait.toMillis(), TimeUnit.MILLISECONDS),
                    "client did not connect to " + description);
        } catch (AssertionError | InterruptedException e) {
            client.close();
            throw e;
        }
        return client;
    }
}
