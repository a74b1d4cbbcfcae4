package io.coord.cli.reconfig;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The servers the reconfig scenarios run against: Apache ZooKeeper 3.9.5 (the oracle) and Coord,
 * each member its own JVM. The default build runs every scenario against Coord;
 * {@code -Dcoord.reconfig.test=true} runs them against ZooKeeper too, and
 * {@code -Dcoord.reconfig.targets=zk} (or coord, or zk,coord) names them outright.
 */
enum ReconfigTarget {
    ZK("org.apache.zookeeper.server.quorum.QuorumPeerMain"),
    COORD("io.coord.server.CoordServerMain");

    static final String FLAG = "coord.reconfig.test";
    /** Every scenario's {@code @MethodSource}: the targets selected for this run. */
    static final String SOURCE = "io.coord.cli.reconfig.ReconfigTarget#targets";

    private final String mainClass;

    ReconfigTarget(String mainClass) {
        this.mainClass = mainClass;
    }

    String mainClass() {
        return mainClass;
    }

    static Stream<ReconfigTarget> targets() {
        return selected().stream();
    }

    /** The targets named by {@code coord.reconfig.targets} (by default coord, plus zk with the flag). */
    static List<ReconfigTarget> selected() {
        String names = System.getProperty("coord.reconfig.targets",
                Boolean.getBoolean(FLAG) ? "zk,coord" : "coord");
        return Arrays.stream(names.split(",")).map(n -> valueOf(n.trim().toUpperCase(Locale.ROOT))).toList();
    }
}
