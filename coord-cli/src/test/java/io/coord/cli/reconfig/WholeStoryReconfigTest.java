package io.coord.cli.reconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15's proof, every step under one continuous write load (three Curator clients with
 * {@code ensembleTracker(true)} creating sequential nodes): 3 members grow to 5 (4 and 5 started as
 * joiners, then {@code -add}), lose the leader and another of the first three ({@code -remove}, then
 * stopped), the one kept moves its client port (its line again with a new {@code ;clientPort}), a
 * follower becomes an observer and then a participant again. After every step: {@code srvr} gives each running
 * member the mode its line says with exactly one leader; the leader's {@code mntr} counts the voters,
 * synced followers and observers of the configuration and no non-voting follower; every member's
 * getConfig has the step's version; every Curator client's connect string is the configuration's
 * client addresses; and further creates are acknowledged. At the end every acknowledged create is on
 * every remaining member. Reconfigs are sent as an operator would ({@link OperatorReconfig}).
 */
class WholeStoryReconfigTest {
    private static final int WRITERS = 3;
    private static final long SETTLE_MS = 30_000;
    private static final int ACKS_AFTER_STEP = 10;

    @TempDir
    Path dir;

    private ReconfigEnsemble ensemble;
    private WriteLoad load;
    private final Set<Integer> running = new TreeSet<>();
    private final List<String> log = new ArrayList<>();

    @ParameterizedTest
    @MethodSource(ReconfigTarget.SOURCE)
    void growShrinkMoveObserveAndBackUnderLoad(ReconfigTarget target) throws Exception {
        long startNs = System.nanoTime();
        try (ReconfigEnsemble e = new ReconfigEnsemble(target, dir)) {
            ensemble = e;
            e.startInitial(3);
            running.addAll(Set.of(1, 2, 3));
            log.add("members 1,2,3 serve " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)
                    + " ms after the start");
            try (WriteLoad w = new WriteLoad(e.connectString(1, 2, 3), WRITERS)) {
                load = w;
                story();
                w.stopWriting();
                long checkNs = System.nanoTime();
                for (int id : running) {
                    assertEquals(Set.of(), w.missingOn(e.connectString(id)), "acked creates missing on member " + id);
                }
                log.add("end: " + w.acked().size() + " acked creates on every remaining member (checked in "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - checkNs) + " ms), " + w.failed()
                        + " failed or unknown");
            }
        } finally {
            log.add("wall " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs) + " ms");
            System.out.println(target + " whole story:\n  " + String.join("\n  ", log));
        }
    }

    private void story() throws Exception {
        ConfigText config;
        try (ZooKeeper zk = connect(1)) {
            config = ConfigText.of(zk.getConfig(false, new Stat()));
        }
        settle("1 start 1,2,3", config, System.nanoTime(), load.acked().size());

        long stepNs = System.nanoTime();
        int ackedBefore = load.acked().size();
        ensemble.startJoiners(4, 5);
        running.addAll(Set.of(4, 5));
        awaitJoinersFollowing(config, stepNs);
        config = OperatorReconfig.apply(ensemble, ensemble.serverLines(4, 5), null,
                c -> c.ids("participant").equals(Set.of(1, 2, 3, 4, 5)), 1, 2, 3);
        settle("2 grow to 1..5", config, stepNs, ackedBefore);

        int kept = removeTheLeaderAndAnother();
        movePort(kept);
        observerAndBack();
    }

    /**
     * Step 3, the hardest removal: the leader (one of 1..3, the joiners came later) and another of
     * the first three; the leader steps down, 4, 5 and the one kept elect, and the admin's reply may
     * be lost. Returns the id kept of the first three.
     */
    private int removeTheLeaderAndAnother() throws Exception {
        long stepNs = System.nanoTime();
        int ackedBefore = load.acked().size();
        int leader = leader();
        List<Integer> first = new ArrayList<>(List.of(1, 2, 3));
        first.remove(Integer.valueOf(leader));
        int other = first.get(0);
        int kept = first.get(1);
        Set<Integer> remaining = Set.of(kept, 4, 5);
        ConfigText config = OperatorReconfig.apply(ensemble, null, leader + "," + other,
                c -> c.ids().equals(remaining), kept, 4, 5);
        for (int removed : new int[] {leader, other}) {
            ensemble.stop(removed);
            running.remove(removed);
        }
        settle("3 remove " + leader + " (the leader) and " + other, config, stepNs, ackedBefore);
        return kept;
    }

    /** Step 4: member {@code id}'s line again with a new client port; its old port closes. */
    private void movePort(int id) throws Exception {
        long stepNs = System.nanoTime();
        int ackedBefore = load.acked().size();
        int oldPort = ensemble.clientPort(id);
        String moved = "127.0.0.1:" + ensemble.moveClientPort(id);
        int[] others = running.stream().filter(m -> m != id).mapToInt(Integer::intValue).toArray();
        ConfigText config = OperatorReconfig.apply(ensemble, ensemble.serverLine(id), null,
                c -> c.clientAddresses().contains(moved), others);
        assertTrue(config.clientAddresses().contains(moved), config.text());
        awaitClosed(oldPort);
        settle("4 member " + id + "'s client port " + oldPort + " -> " + moved, config, stepNs, ackedBefore);
    }

    /** Steps 5 and 6: a follower's line with {@code :observer}, then with {@code :participant} again. */
    private void observerAndBack() throws Exception {
        long stepNs = System.nanoTime();
        int ackedBefore = load.acked().size();
        int observer = aFollower();
        int[] others = running.stream().filter(id -> id != observer).mapToInt(Integer::intValue).toArray();
        ensemble.setRole(observer, "observer");
        ConfigText config = OperatorReconfig.apply(ensemble, ensemble.serverLine(observer), null,
                c -> c.ids("observer").equals(Set.of(observer)), others);
        settle("5 member " + observer + " to observer", config, stepNs, ackedBefore);

        stepNs = System.nanoTime();
        ackedBefore = load.acked().size();
        ensemble.setRole(observer, "participant");
        config = OperatorReconfig.apply(ensemble, ensemble.serverLine(observer), null,
                c -> c.ids("observer").isEmpty(), others);
        settle("6 member " + observer + " back to participant", config, stepNs, ackedBefore);
    }

    /**
     * Waits until {@code config} shows everywhere (see {@link #problem}), then until further creates are
     * acknowledged; logs the step's time and the creates acknowledged during it.
     */
    private void settle(String step, ConfigText config, long stepNs, int ackedBefore) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
        String problem = problem(config);
        while (problem != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("step " + step + ": not settled within " + SETTLE_MS + " ms: " + problem
                        + "\nconfig:\n" + config.text() + "\nmodes " + ensemble.modes() + "\n" + ensemble.outputs());
            }
            ReconfigEnsemble.sleep(200);
            problem = problem(config);
        }
        int during = load.acked().size() - ackedBefore;
        load.awaitMoreAcks(ACKS_AFTER_STEP);
        log.add(String.format("%-45s version %s, %d ms, %d creates acked during the step, modes %s", step,
                Long.toHexString(config.version()), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stepNs), during,
                ensemble.modes()));
    }

    /** What does not (yet) agree with {@code config}, or null when everything does. */
    private String problem(ConfigText config) throws Exception {
        assertEquals(config.ids(), running, "the running members are the configuration's");
        Set<Integer> voters = config.ids("participant");
        Set<Integer> observers = config.ids("observer");
        int leader = 0;
        for (int id : running) {
            String mode = ensemble.mode(id);
            boolean right = observers.contains(id) ? "observer".equals(mode)
                    : "leader".equals(mode) || "follower".equals(mode);
            if (!right) {
                return "member " + id + " Mode: " + mode;
            }
            if ("leader".equals(mode)) {
                if (leader != 0) {
                    return "two leaders: " + leader + " and " + id;
                }
                leader = id;
            }
        }
        if (leader == 0) {
            return "no leader";
        }
        Map<String, String> mntr = ensemble.mntr(leader);
        Map<String, String> expected = Map.of("zk_quorum_size", "" + voters.size(),
                "zk_synced_followers", "" + (voters.size() - 1), "zk_synced_observers", "" + observers.size(),
                "zk_synced_non_voting_followers", "0");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            if (!e.getValue().equals(mntr.get(e.getKey()))) {
                return "leader " + leader + " mntr " + e.getKey() + "=" + mntr.get(e.getKey()) + ", not "
                        + e.getValue();
            }
        }
        for (CuratorFramework c : load.clients()) {
            Set<String> tracked = WriteLoad.sorted(c.getZookeeperClient().getCurrentConnectionString());
            if (!tracked.equals(config.clientAddresses()) || c.getCurrentConfig().getVersion() != config.version()) {
                return "Curator connect string " + tracked + " version "
                        + Long.toHexString(c.getCurrentConfig().getVersion());
            }
        }
        for (int id : running) {
            long version = configVersionOn(id);
            if (version != config.version()) {
                return "member " + id + " getConfig version " + Long.toHexString(version);
            }
        }
        return null;
    }

    /** Before the grow: both joiners serve as followers and the leader counts them as non-voting. */
    private void awaitJoinersFollowing(ConfigText config, long stepNs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
        while (true) {
            int leader = config.ids().stream().filter(id -> "leader".equals(ensemble.mode(id))).findFirst().orElse(0);
            String nonVoting = leader == 0 ? null : ensemble.mntr(leader).get("zk_synced_non_voting_followers");
            if ("follower".equals(ensemble.mode(4)) && "follower".equals(ensemble.mode(5)) && "2".equals(nonVoting)) {
                log.add("joiners 4,5 follow without a vote (leader " + leader + ": zk_synced_non_voting_followers=2) "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stepNs) + " ms after their start");
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("joiners not following: " + ensemble.modes() + ", leader " + leader
                        + " zk_synced_non_voting_followers=" + nonVoting + "\n" + ensemble.outputs());
            }
            ReconfigEnsemble.sleep(200);
        }
    }

    private int leader() {
        return running.stream().filter(id -> "leader".equals(ensemble.mode(id))).findFirst()
                .orElseThrow(() -> new AssertionError("no leader: " + ensemble.modes()));
    }

    private int aFollower() {
        return running.stream().filter(id -> "follower".equals(ensemble.mode(id))).findFirst()
                .orElseThrow(() -> new AssertionError("no follower: " + ensemble.modes()));
    }

    /** The moved member closes its old client listener once it takes the change (as ZooKeeper's). */
    private void awaitClosed(int port) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            } catch (IOException closed) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("old client port " + port + " still accepts connections");
            }
            ReconfigEnsemble.sleep(200);
        }
    }

    /** The version of getConfig on member {@code id} alone, or -1 when it does not answer. */
    private long configVersionOn(int id) throws InterruptedException {
        try (ZooKeeper zk = connect(id)) {
            return ConfigText.of(zk.getConfig(false, new Stat())).version();
        } catch (Exception e) {
            return -1;
        }
    }

    private ZooKeeper connect(int id) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(ensemble.connectString(id), 15_000, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(10, TimeUnit.SECONDS)) {
            zk.close();
            throw new IOException("no connection to member " + id);
        }
        return zk;
    }
}
