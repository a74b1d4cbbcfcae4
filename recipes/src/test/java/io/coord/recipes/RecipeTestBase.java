package io.coord.recipes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fresh in-process server per test, and a thread pool the test's workers run on. */
public abstract class RecipeTestBase {
    @TempDir
    protected Path dir;
    protected CoordTestServer server;
    protected final ExecutorService pool = Executors.newCachedThreadPool();

    /**
     * A new client that has synced {@code path}, so its reads see every write acknowledged to any
     * session before: against an ensemble (coord.compat.target=ensemble) its member may lag.
     */
    protected CoordClient syncedClient(String path) {
        CoordClient c = server.client();
        c.sync(path);
        return c;
    }

    @BeforeEach
    void startServer() throws Exception {
        server = new CoordTestServer(dir);
    }

    @AfterEach
    void stopServer() throws Exception {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS), "test workers did not stop");
        if (server != null) { // null when it did not start; that failure is the one to report
            server.close();
        }
    }
}
