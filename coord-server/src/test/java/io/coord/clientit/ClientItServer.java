package io.coord.clientit;

import java.nio.file.Path;

/**
 * The server the client integration tests run against, chosen by the system property
 * {@code coord.compat.target}: {@code coord} (default) or {@code zookeeper} (Apache ZooKeeper
 * 3.9.5 in-process, the oracle). Port 0 at first start; restarts keep port and data dir.
 */
public interface ClientItServer extends AutoCloseable {
    String TARGET_PROPERTY = "coord.compat.target";

    static ClientItServer start(Path dataDir) throws Exception {
        String target = System.getProperty(TARGET_PROPERTY, "coord");
        if (target.isBlank()) {
            target = "coord";
        }
        return switch (target) {
            case "zookeeper" -> ZooKeeperItServer.start(dataDir);
            case "coord" -> CoordItServer.start(dataDir);
            default -> throw new IllegalArgumentException(TARGET_PROPERTY + " must be coord or zookeeper, got " + target);
        };
    }

    int port();

    default String connectString() {
        return "127.0.0.1:" + port();
    }

    /** Stops serving: the port refuses connections until {@link #startAgain()}. State is kept on disk. */
    void stop() throws Exception;

    /** Starts again on the same port with the same data dir (sessions within their timeout survive). */
    void startAgain() throws Exception;

    @Override
    void close();
}
