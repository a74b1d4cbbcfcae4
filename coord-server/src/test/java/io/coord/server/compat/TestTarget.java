package io.coord.server.compat;

/**
 * A server the compatibility tests talk to with the stock ZooKeeper client: either Coord or the
 * real Apache ZooKeeper used as an oracle. Chosen by the system property {@value #TARGET_PROPERTY}.
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
    String connectString();

    int clientPort();

    /** Stops the server and starts it again on the same port and data directory. */
    void restart() throws Exception;

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
