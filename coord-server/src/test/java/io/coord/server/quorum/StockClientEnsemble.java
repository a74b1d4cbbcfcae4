package io.coord.server.quorum;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;

/**
 * A 3-member in-process ensemble for tests that drive it with the stock ZooKeeper client: started
 * with the test's extra zoo.cfg lines and served by every member; {@link #close} closes every
 * client it was given ({@link #track}), then the ensemble.
 */
final class StockClientEnsemble implements AutoCloseable {
    private final List<ZooKeeper> clients = new CopyOnWriteArrayList<>();
    private InProcessEnsemble ensemble;

    InProcessEnsemble start(Path dir, String extraConfig) throws IOException {
        ensemble = new InProcessEnsemble(dir, 3, 100_000, 64L << 20);
        ensemble.extraConfig(extraConfig);
        ensemble.startAll();
        ensemble.awaitServing(ensemble.all());
        return ensemble;
    }

    /** Closed with the ensemble. */
    ZooKeeper track(ZooKeeper zk) {
        clients.add(zk);
        return zk;
    }

    /** A watcher that adds each connection state the client goes through to states. */
    static Watcher connectionStates(List<KeeperState> states) {
        return e -> {
            if (e.getType() == EventType.None) {
                states.add(e.getState());
            }
        };
    }

    @Override
    public void close() throws Exception {
        for (ZooKeeper zk : clients) {
            zk.close();
        }
        if (ensemble != null) {
            ensemble.close();
        }
    }
}
