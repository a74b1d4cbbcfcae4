package io.coord.server.compat;

import io.coord.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;

/**
 * A server the compatibility and client integration tests talk to, run in-process: either Coord
 * or the real Apache ZooKeeper used as an oracle, or a three-member Coord ensemble in one JVM.
 * Chosen by the system property {@value #TARGET_PROPERTY} ({@code coord}, the default,
 * {@code zookeeper} or {@code ensemble}). It starts on free ports and its own temporary data
 * directories; {@link #stop()} and {@link #startAgain()} keep both, so sessions within their
 * timeout and all data survive.
 */
public interface TestTarget extends AutoCloseable {

    String TARGET_PROPERTY = "coord.compat.target";

    /** Tick used by both targets: session timeouts may range over [2, 20] ticks. */
    int TICK_TIME_MS = 200;

    /** How often both targets look for empty containers and expired TTL nodes. */
    int CONTAINER_CHECK_INTERVAL_MS = 100;

    /** "coord", "zookeeper" or "ensemble". */
    String name();

    /** host:port of every client port (one server, or all ensemble members), always on 127.0.0.1. */
    default String connectString() {
        return "127.0.0.1:" + clientPort();
    }

    /** The client port of the server, or of one ensemble member (for tests that need one socket). */
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

    /** Coord, standalone or ensemble: the server under test rather than the ZooKeeper oracle. */
    default boolean isCoord() {
        return "coord".equals(name());
    }

    /** Several members behind {@link #connectString()}: a client may land on any of them. */
    default boolean isEnsemble() {
        return false;
    }

    /** The target selected for this test run; the caller owns it and must close it. */
    static TestTarget start() throws Exception {
        return start(Map.of(), UnaryOperator.identity());
    }

    /** As {@link #start()}, with extra zoo.cfg keys (see {@link #start(Map, UnaryOperator)}). */
    static TestTarget start(Map<String, String> serverKeys) throws Exception {
        return start(serverKeys, UnaryOperator.identity());
    }

    /** As {@link #start()}, with {@code tweak} applied to each Coord server's configuration (e.g. SASL users). */
    static TestTarget start(UnaryOperator<ServerConfig.Builder> tweak) throws Exception {
        return start(Map.of(), tweak);
    }

    /**
     * As {@link #start()}, with extra zoo.cfg keys and a config tweak. Coord reads the auth settings
     * among the keys ({@code AuthKeys}) and applies {@code tweak} to each server's configuration; the
     * ZooKeeper oracle gets the keys as {@code zookeeper.<key>} system properties while it starts
     * (which only settings ZooKeeper reads per server, enforce.auth.*, honour) and never the tweak.
     */
    static TestTarget start(Map<String, String> serverKeys, UnaryOperator<ServerConfig.Builder> tweak)
            throws Exception {
        String which = selected();
        return switch (which) {
            case "coord" -> CoordTarget.start(serverKeys, tweak);
            case "zookeeper" -> ZooKeeperTarget.start(serverKeys);
            case "ensemble" -> EnsembleTarget.start(serverKeys, tweak);
            default -> throw new IllegalArgumentException(
                    TARGET_PROPERTY + " must be coord, zookeeper or ensemble, was " + which);
        };
    }

    /**
     * {@code super:<password>} of the super user every target has: Coord through
     * {@link #SUPER_DIGEST_KEYS}, the ZooKeeper oracle through the system property it reads once per JVM.
     */
    String SUPER_CREDENTIALS = "super:compat-super-secret";

    /** {@code DigestAuthenticationProvider.superDigest} for {@link #SUPER_CREDENTIALS}. */
    String SUPER_DIGEST = "super:" + superDigestOf(SUPER_CREDENTIALS);

    /** The config key that gives Coord that super user. */
    Map<String, String> SUPER_DIGEST_KEYS = Map.of("DigestAuthenticationProvider.superDigest", SUPER_DIGEST);

    /** base64(sha1(credentials)), as ZooKeeper's DigestAuthenticationProvider computes it. */
    static String superDigestOf(String credentials) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest(credentials.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code keys} as zoo.cfg properties. */
    static Properties properties(Map<String, String> keys) {
        Properties props = new Properties();
        props.putAll(keys);
        return props;
    }

    static String selected() {
        String value = System.getProperty(TARGET_PROPERTY, "");
        return value.isBlank() ? "coord" : value.trim();
    }
}
