package io.coord.server.compat;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Differential test: one seeded random sequence of operations (every create mode, delete, setData,
 * reads with watches, multi, multiRead, ACLs with several digest identities, persistent and
 * recursive watches and their removal, getEphemerals, getAllChildrenNumber, whoAmI, sync, session
 * close and reattach; see {@link DiffOps}) runs through the stock ZooKeeper client against the
 * real ZooKeeper 3.9.5 and against the target under test, step by step: operation i runs on both,
 * then every slot's watch events are drained (see {@link DiffSide#barrier}) and the answers and
 * events of the two servers are compared after normalising zxids, times and session ids. The first
 * difference ends the seed and is reported with the seed, the operation's index and description and
 * both answers.
 *
 * <p>The other server is {@link TestTarget#selected()}: Coord standalone by default, another
 * ZooKeeper with {@code -Dcoord.compat.target=zookeeper} (the harness must find no difference
 * there), or a Coord ensemble (every session on member 1) with {@code ensemble}, which runs only
 * when {@code coord.diff.seeds} is given, so the default ensemble-compat pass does not pay for it.
 * Properties: {@code coord.diff.seeds} (default 5), {@code coord.diff.ops} (default 300),
 * {@code coord.diff.seed} (replay that one seed), {@code coord.diff.firstSeed} (default 1), {@code coord.diff.trace} (print every step).
 */
class DifferentialCompatTest {

    private static final long REAP_WAIT_MS = 5_000;
    private static final int MAX_REPORTED = 10;
    /** -Dcoord.diff.trace=true prints every operation and the reference's answer. */
    private static final boolean TRACE = Boolean.getBoolean("coord.diff.trace");

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void coordAnswersLikeZooKeeper() throws Exception {
        String seedsProperty = System.getProperty("coord.diff.seeds", "");
        assumeTrue(!"ensemble".equals(TestTarget.selected()) || !seedsProperty.isBlank(),
                "against an ensemble only with -Dcoord.diff.seeds=N");
        int ops = Integer.getInteger("coord.diff.ops", 300);
        List<Long> seeds = seeds(seedsProperty);
        List<String> divergences = new ArrayList<>();
        long started = System.nanoTime();
        try (TestTarget reference = ZooKeeperTarget.start(); TestTarget other = TestTarget.start()) {
            String otherConnect = other.isEnsemble() ? "127.0.0.1:" + other.clientPort() : other.connectString();
            for (long seed : seeds) {
                String divergence = runSeed(seed, ops, reference.connectString(), otherConnect, other.name());
                if (divergence != null) {
                    divergences.add(divergence);
                }
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            System.out.printf("differential zookeeper vs %s: %d seeds x %d ops, %d divergent seeds, %d s%n",
                    other.name(), seeds.size(), ops, divergences.size(), seconds);
        }
        List<String> shown = divergences.subList(0, Math.min(MAX_REPORTED, divergences.size()));
        assertTrue(divergences.isEmpty(), () -> divergences.size() + " of " + seeds.size()
                + " seeds diverged:\n" + String.join("\n\n", shown));
    }

    private static List<Long> seeds(String seedsProperty) {
        String one = System.getProperty("coord.diff.seed", "");
        if (!one.isBlank()) {
            return List.of(Long.parseLong(one.trim()));
        }
        int count = seedsProperty.isBlank() ? 5 : Integer.parseInt(seedsProperty.trim());
        long first = Long.getLong("coord.diff.firstSeed", 1L);
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            seeds.add(first + i);
        }
        return seeds;
    }

    /** Runs one seed; returns null, or the report of the first difference. */
    private static String runSeed(long seed, int opCount, String referenceConnect, String otherConnect,
            String otherName) throws Exception {
        String base = "/diff-" + seed;
        DiffOps generator = new DiffOps(seed, base);
        try (DiffSide reference = new DiffSide("zookeeper", referenceConnect);
             DiffSide other = new DiffSide(otherName, otherConnect)) {
            for (DiffSide side : List.of(reference, other)) {
                side.open(DiffOps.SLOTS);
                side.observer().create(base, new byte[0], Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            }
            for (int i = 0; i < opCount; i++) {
                DiffOps.DiffOp op = generator.next();
                String expected = act(reference, op);
                // What the operation created is known before either side waits for reaping.
                generator.referenceAnswered(expected);
                if (op.afterReference() != null) {
                    op.afterReference().run();
                }
                expected += settle(reference, base, generator);
                String actual = act(other, op) + settle(other, base, generator);
                if (TRACE) {
                    System.out.println("seed " + seed + " #" + i + " " + op.description() + "\n    -> " + expected);
                }
                if (!expected.equals(actual)) {
                    return report(seed, i, op, otherName, expected, actual, generator);
                }
            }
        }
        return null;
    }

    private static String act(DiffSide side, DiffOps.DiffOp op) {
        try {
            return op.action().run(side);
        } catch (Exception e) {
            return "EXCEPTION " + e.getClass().getSimpleName();
        }
    }

    /** After an operation: waits for the server's own deletions, then drains every slot's events. */
    private static String settle(DiffSide side, String base, DiffOps generator) {
        StringBuilder out = new StringBuilder();
        try {
            String unreaped = awaitReaped(side, generator);
            if (unreaped != null) {
                out.append(" | not reaped within ").append(REAP_WAIT_MS).append(" ms: ").append(unreaped);
            }
            side.barrier(base);
            List<List<String>> events = side.drainEvents();
            for (int slot = 0; slot < events.size(); slot++) {
                if (!events.get(slot).isEmpty()) {
                    out.append(" | events s").append(slot).append(' ').append(events.get(slot));
                }
            }
        } catch (Exception e) {
            out.append(" | barrier failed: ").append(e);
        }
        return out.toString();
    }

    /**
     * Waits until the server has deleted every empty container that had children and every
     * childless tiny-TTL node (ZooKeeper and Coord both check every 100 ms), so the next operation
     * sees the same tree on both whatever their checkers' phase. Returns what is still there.
     */
    private static String awaitReaped(DiffSide side, DiffOps generator) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REAP_WAIT_MS);
        while (true) {
            Set<String> pending = pendingReaps(side.observer(), generator);
            if (pending.isEmpty()) {
                return null;
            }
            if (System.nanoTime() > deadline) {
                return pending.toString();
            }
            Thread.sleep(10);
        }
    }

    private static Set<String> pendingReaps(ZooKeeper observer, DiffOps generator)
            throws KeeperException, InterruptedException {
        Set<String> pending = new HashSet<>();
        for (String path : generator.containers) {
            Stat stat = observer.exists(path, false);
            if (stat != null && stat.getNumChildren() == 0 && stat.getCversion() > 0) {
                pending.add(path);
            }
        }
        for (String path : generator.tinyTtls) {
            Stat stat = observer.exists(path, false);
            if (stat != null && stat.getNumChildren() == 0) {
                pending.add(path);
            }
        }
        return pending;
    }

    private static String report(long seed, int index, DiffOps.DiffOp op, String otherName,
            String expected, String actual, DiffOps generator) {
        return "seed " + seed + (generator.readRestricted ? " (READ-restricted ACLs, no watches)" : "")
                + ", op #" + index + ": " + op.description()
                + "\n  zookeeper: " + expected
                + "\n  " + otherName + ": " + actual
                + "\n  replay: -Dcoord.diff.seed=" + seed + " -Dcoord.diff.ops=" + (index + 1);
    }
}
