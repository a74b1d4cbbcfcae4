package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.X509Util;

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
        return reached(KeeperState.SyncConnected, opener, defaultWatcher, wait, description);
    }

    /** As {@link #connected}, waiting for {@code state} (SaslAuthenticated: a SASL login went through). */
    public static ZooKeeper reached(KeeperState state, Opener opener, Watcher defaultWatcher, Duration wait,
            String description) throws Exception {
        CountDownLatch reached = new CountDownLatch(1);
        ZooKeeper client = opener.open(event -> {
            if (event.getState() == state) {
                reached.countDown();
            }
            defaultWatcher.process(event);
        });
        try {
            assertTrue(reached.await(wait.toMillis(), TimeUnit.MILLISECONDS),
                    "client did not reach " + state + " with " + description);
        } catch (AssertionError | InterruptedException e) {
            client.close();
            throw e;
        }
        return client;
    }

    /**
     * The stock client's settings for a SASL login through the JAAS section {@code section} of the
     * JVM's JAAS configuration ({@link InstalledJaas}); in its default FIPS mode the client refuses
     * DIGEST-MD5 without asking the server, so that is switched off.
     */
    public static ZKClientConfig saslConfig(String section) {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true");
        config.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, section);
        config.setProperty(X509Util.FIPS_MODE_PROPERTY, "false");
        return config;
    }
}
