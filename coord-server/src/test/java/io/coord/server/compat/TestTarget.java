package io.coord.server.compat;

/**
 * A server the compatibility and client integration tests talk to, run in-process: either Coord
 * or the real Apache ZooKeeper used as an oracle. Chosen by the system property
 * {@value #TARGET_PROPERTY} ({@code coord}, the default, or {@code zookeeper}). It starts on a
 * free port and its own temporary data directory; {@link #stop()} and {@link #startAgain()} keep
 * both, so sessions within their timeout and all data survive.
 */
public interface TestTarget extends AutoCloseable {

    String TARGET_PROPERTY = "coord.compat.target";

    /** Tick used by both targets: session timeouts may range over [2, 20] ticks. */
    int TICK_TIME_MS = 200;

    /** How often both targets look for empty containers and expired TTL nodes. */
    int CONTAINER_CHECK_INTERVAL_MS = 100;

    /** "coord" or "zookeeper". */
    String name();

    /** host:port of the client port, always on 127.0.0.1. */
    default String connectString() {
        return "127.0.0.1:" + clientPort();
    }

    int clientPort();

    /** Stops serving: the port refuses connections until {@link #startAgain()}. Data stays on disk. */
    void stop() throws Exception;

    /** Starts again after {@link #stop()} on the same port and data directory. */
    void startAgain() throws Exception;

    /** Stops the server and starts it again on the same port and data directory. */
    default void restart() throws Exception {
        stop();
        startAgain();
    }

    /** Stops the server and deletes its data directory. */
    @Override
    void close();

    default boolean isCoord() {
        return "coord".equals(name());
    }

    /** The target selected for this test run; the caller owns it and must close it. */
    static TestTarget start() throws Exception {
        String which = selected();
        return switch (which) {
            case "coord" -> CoordTarget.start();
            case "zookeeper" -> ZooKeeperTarget.start();
            default -> throw new IllegalArgumentException(
                    TARGET_PROPERTY + " must be coord or zookeeper, was " + which);
        };
    }

    static String selected() {
        String value = System.getProperty(TARGET_PROPERTY, "");
        return value.isBlank() ? "coord" : value.trim();
    }
}
