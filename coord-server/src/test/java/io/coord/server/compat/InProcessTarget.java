package io.coord.server.compat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The lifecycle both targets share: a temporary data directory of their own (it outlives the
 * test-method scope of JUnit's @TempDir, so the target deletes it on close), a free port picked
 * at the first start and reused by every later start.
 */
abstract class InProcessTarget implements TestTarget {

    private final Path dataDir;
    private int port;
    private boolean running;

    InProcessTarget(String dataDirPrefix) throws IOException {
        dataDir = Files.createTempDirectory(dataDirPrefix);
    }

    /** Serves {@code dataDir} on {@code requestedPort} (0: any free port); returns the bound port. */
    abstract int startServer(Path dataDir, int requestedPort) throws Exception;

    /** Stops serving; the port is free again when this returns. */
    abstract void stopServer();

    /** Starts a new target, closing it (and deleting its directory) if it does not start. */
    static <T extends InProcessTarget> T started(T target) throws Exception {
        try {
            target.startAgain();
        } catch (Exception | Error e) {
            target.close();
            throw e;
        }
        return target;
    }

    @Override
    public int clientPort() {
        return port;
    }

    @Override
    public void startAgain() throws Exception {
        if (running) {
            throw new IllegalStateException(name() + " is running");
        }
        port = startServer(dataDir, port);
        running = true;
    }

    @Override
    public void stop() {
        if (running) {
            running = false;
            stopServer();
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            deleteRecursively(dataDir);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temp dir must not fail a test.
        }
    }
}
