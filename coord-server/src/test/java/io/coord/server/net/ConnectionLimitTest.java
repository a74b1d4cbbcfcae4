package io.coord.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** maxCnxns caps the connections of all clients together, beside the per-IP maxClientCnxns. */
class ConnectionLimitTest {

    private static ZooKeeper connect(int port) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 4000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        assertTrue(connected.await(10, TimeUnit.SECONDS), "connected");
        return zk;
    }

    /** Reads from a fresh connection: -1 when the server closed it, as it does over the cap. */
    private static int firstRead(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(10_000);
            return socket.getInputStream().read();
        }
    }

    @Test
    void connectionsOverMaxCnxnsAreClosed(@TempDir Path dir) throws Exception {
        ServerConfig config = ServerConfig.builder(dir).clientPort(0).tickTimeMs(200)
                .maxClientCnxns(0).maxCnxns(2).build();
        try (CoordServer server = CoordServer.start(config)) {
            int port = server.clientPort();
            ZooKeeper first = connect(port);
            ZooKeeper second = connect(port);
            try {
                // A third connection is closed by the server (an idle one that is kept would
                // block this read until its timeout).
                assertEquals(-1, firstRead(port));
                first.close();
                // The slot is free again once a connection goes.
                connect(port).close();
            } finally {
                first.close();
                second.close();
            }
        }
    }
}
