package io.coord.bench.failover;

import io.coord.client.ClientOptions;
import io.coord.client.CoordClient;
import io.coord.client.RetryNTimes;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/** One session that can create a node and overwrite it, blocking; either client library behind it. */
interface WriteClient extends AutoCloseable {
    /** Creates {@code path} (persistent, open ACL) unless it exists. */
    void ensureNode(String path) throws Exception;

    /** setData(path, value, -1); returns normally only when the server acknowledged it. */
    void write(String path, byte[] value) throws Exception;

    /** Deletes {@code path} if it exists (best effort at the end of a run). */
    void deleteNode(String path) throws Exception;

    @Override
    void close();

    static WriteClient open(ClientKind kind, String connectString, int sessionTimeoutMs, long connectTimeoutMs)
            throws IOException, InterruptedException {
        return kind == ClientKind.STOCK ? Stock.open(connectString, sessionTimeoutMs, connectTimeoutMs)
                : Coord.open(connectString, sessionTimeoutMs, connectTimeoutMs);
    }

    /** The stock ZooKeeper client. */
    final class Stock implements WriteClient {
        private final ZooKeeper zk;

        private Stock(ZooKeeper zk) {
            this.zk = zk;
        }

        static Stock open(String connectString, int sessionTimeoutMs, long connectTimeoutMs)
                throws IOException, InterruptedException {
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper zk = new ZooKeeper(connectString, sessionTimeoutMs, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            if (!connected.await(connectTimeoutMs, TimeUnit.MILLISECONDS)) {
                zk.close();
                throw new IOException("stock client: no session with " + connectString + " within "
                        + connectTimeoutMs + " ms");
            }
            return new Stock(zk);
        }

        @Override
        public void ensureNode(String path) throws Exception {
            try {
                zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, org.apache.zookeeper.CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException e) {
                // created by another writer or an earlier run: fine
            }
        }

        @Override
        public void write(String path, byte[] value) throws Exception {
            zk.setData(path, value, -1);
        }

        @Override
        public void deleteNode(String path) throws Exception {
            try {
                zk.delete(path, -1);
            } catch (KeeperException.NoNodeException e) {
                // already gone
            }
        }

        @Override
        public void close() {
            try {
                zk.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Coord's native client, without its retry policy so a failed write surfaces at once, as with the stock one. */
    final class Coord implements WriteClient {
        private final CoordClient client;

        private Coord(CoordClient client) {
            this.client = client;
        }

        static Coord open(String connectString, int sessionTimeoutMs, long connectTimeoutMs) {
            ClientOptions options = ClientOptions.builder().sessionTimeoutMs(sessionTimeoutMs)
                    .connectionTimeoutMs((int) connectTimeoutMs).retryPolicy(new RetryNTimes(0, 0)).build();
            return new Coord(CoordClient.connect(connectString, options));
        }

        @Override
        public void ensureNode(String path) {
            try {
                client.create(path, new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (io.coord.client.CoordException.NodeExistsException e) {
                // created by another writer or an earlier run: fine
            }
        }

        @Override
        public void write(String path, byte[] value) {
            client.setData(path, value, -1);
        }

        @Override
        public void deleteNode(String path) {
            try {
                client.delete(path, -1);
            } catch (io.coord.client.CoordException.NoNodeException e) {
                // already gone
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
