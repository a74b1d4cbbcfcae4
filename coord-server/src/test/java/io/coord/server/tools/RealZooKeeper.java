package io.coord.server.tools;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;

/** A real Apache ZooKeeper 3.9.5 standalone server in-process (test scope), on a given dataDir. */
final class RealZooKeeper implements AutoCloseable {
    static {
        // Read once per JVM by ZooKeeper: TTL nodes need extended types.
        System.setProperty("zookeeper.extendedTypesEnabled", "true");
        System.setProperty("zookeeper.admin.enableServer", "false");
        System.setProperty("zookeeper.4lw.commands.whitelist", "*");
        System.setProperty("zookeeper.forceSync", "no");
    }

    private final Runner runner = new Runner();
    private final Thread thread;
    private final int port;

    /** Exposes the protected start hook so the caller knows when clients can connect. */
    private static final class Runner extends ZooKeeperServerMain {
        final CountDownLatch started = new CountDownLatch(1);

        @Override
        protected void serverStarted() {
            started.countDown();
        }
    }

    RealZooKeeper(Path dataDir) throws Exception {
        ServerConfig config = new ServerConfig();
        config.parse(new String[] {"0", dataDir.toString(), "2000", "0"});
        AtomicReference<Throwable> failure = new AtomicReference<>();
        thread = new Thread(() -> {
            try {
                runner.runFromConfig(config);
            } catch (Throwable e) {
                failure.set(e);
                runner.started.countDown();
            }
        }, "real-zookeeper");
        thread.setDaemon(true);
        thread.start();
        if (!runner.started.await(30, TimeUnit.SECONDS) || failure.get() != null) {
            runner.close();
            throw new IllegalStateException("ZooKeeper did not start", failure.get());
        }
        port = runner.getClientPort();
    }

    String connectString() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        runner.close();
        thread.join(10_000);
    }
}
