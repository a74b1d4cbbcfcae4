package io.coord.cli.reconfig;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The servers the reconfig scenarios run against: Apache ZooKeeper 3.9.5 (the oracle) and Coord,
 * each member its own JVM. The default build runs ZooKeeper only, and only the zkCli/coord-cli
 * scenario (about 10 s); {@code -Dcoord.reconfig.test=true} adds Coord (which fails until its server
 * side of reconfig lands) and the stock-client, kazoo, Curator-under-load and coord-ensemble scenarios;
 * {@code -Dcoord.reconfig.targets=coord} (or zk, or zk,coord) names them outright.
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

    /** The targets named by {@code coord.reconfig.targets} (by default zk, plus coord with the flag). */
    static List<ReconfigTarget> selected() {
        String names = System.getProperty("coord.reconfig.targets",
                Boolean.getBoolean(FLAG) ? "zk,coord" : "zk");
        return Arrays.stream(names.split(",")).map(n -> valueOf(n.trim().toUpperCase(Locale.ROOT))).toList();
    }
}
