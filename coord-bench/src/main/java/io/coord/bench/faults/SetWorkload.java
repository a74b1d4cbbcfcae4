package io.coord.bench.faults;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * A set of unique writes: clients create children {@code e-<client>-<n>} of one znode, each name
 * once. At the end (synced read through a fresh session) every acknowledged create must be there
 * (none lost), and nothing that was never attempted (no phantom); a create of unknown outcome may be
 * either.
 */
final class SetWorkload {
    static final String NAME = "set";
    static final String PARENT = "/faults-set";

    private final Clients clients;
    private final OpLog log;
    private final int clientCount;
    private final Set<String> attempted = new HashSet<>();
    private final Set<String> acknowledged = new HashSet<>();
    private final Set<String> refused = new HashSet<>();
    private Set<String> finalChildren = Set.of();

    SetWorkload(Clients clients, OpLog log, int clientCount) {
        this.clients = clients;
        this.log = log;
        this.clientCount = clientCount;
    }

    void setUp(ZooKeeper zk) throws Exception {
        Clients.createForSetUp(zk, PARENT, new byte[0]);
    }

    List<Thread> start(AtomicBoolean running) {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clientCount; c++) {
            int client = c;
            threads.add(Workers.daemon("set-client-" + c, () -> loop(client, running)));
        }
        return threads;
    }

    private void loop(int client, AtomicBoolean running) {
        ZooKeeper zk = null;
        int n = 0;
        while (running.get()) {
            zk = clients.usable(zk);
            if (zk == null) {
                continue;
            }
            String name = "e-" + client + "-" + ++n;
            synchronized (this) {
                attempted.add(name);
            }
            long invoked = System.nanoTime();
            OpLog.Outcome outcome;
            String detail = name;
            try {
                zk.create(PARENT + "/" + name, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
                outcome = OpLog.Outcome.OK;
                synchronized (this) {
                    acknowledged.add(name);
                }
            } catch (KeeperException e) {
                outcome = Clients.definite(e) ? OpLog.Outcome.FAILED : OpLog.Outcome.UNKNOWN;
                detail = name + " (" + e.code() + ")";
                if (outcome == OpLog.Outcome.FAILED) {
                    synchronized (this) {
                        refused.add(name);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            log.add(NAME, client, "add", detail, outcome, invoked, System.nanoTime());
        }
    }

    void finalRead(ZooKeeper zk) throws Exception {
        if (!Clients.sync(zk, PARENT)) {
            throw new IllegalStateException("final sync failed");
        }
        finalChildren = new HashSet<>(zk.getChildren(PARENT, false));
    }

    synchronized Verdict check() {
        List<String> violations = new ArrayList<>();
        List<String> lost = acknowledged.stream().filter(n -> !finalChildren.contains(n)).sorted().toList();
        List<String> phantom = finalChildren.stream().filter(n -> !attempted.contains(n)).sorted().toList();
        List<String> refusedPresent = refused.stream().filter(finalChildren::contains).sorted().toList();
        if (!lost.isEmpty()) {
            violations.add(lost.size() + " acknowledged adds missing at the end: " + lost);
        }
        if (!phantom.isEmpty()) {
            violations.add(phantom.size() + " elements present that were never added: " + phantom);
        }
        if (!refusedPresent.isEmpty()) {
            violations.add(refusedPresent.size() + " adds answered with an error are present: " + refusedPresent);
        }
        long unknownPresent = attempted.stream()
                .filter(n -> !acknowledged.contains(n) && !refused.contains(n) && finalChildren.contains(n)).count();
        String summary = attempted.size() + " adds, " + acknowledged.size() + " acknowledged, " + refused.size()
                + " refused, " + (attempted.size() - acknowledged.size() - refused.size()) + " of unknown outcome ("
                + unknownPresent + " of them present), " + finalChildren.size() + " elements at the end";
        return new Verdict(NAME, violations.isEmpty() ? Verdict.Result.VALID : Verdict.Result.INVALID, summary,
                violations);
    }
}
