package io.coord.cli.reconfig;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;

/**
 * A reconfig run as an operator runs it (README "Growing, shrinking and repairing an ensemble"):
 * read the config after a sync, send the change with that version as fromConfig, and when the answer
 * is not the new config, find out why and try again, within a bounded time:
 * <ul>
 * <li>NEWCONFIGNOQUORUM: the new voters are not all synced voters of the leader yet; right after a
 * previous change (a joiner just added, a member just turned back into a participant, a new leader
 * just elected) they are still (re)joining. Retried by {@link ReconfigEnsemble#reconfigureOnceSynced}:
 * the refusal changed nothing.</li>
 * <li>RECONFIGINPROGRESS: the previous change has not committed everywhere yet; retry.</li>
 * <li>CONNECTIONLOSS or an expired session: the reply was lost (removing the leader, or the member the
 * admin is on, drops its clients); the change may have committed. Reconnect and re-read.</li>
 * <li>BADVERSION: the config moved on, e.g. because the change whose reply was lost committed.</li>
 * </ul>
 * After a lost reply, {@code applied} tells whether the config read back already holds the change.
 */
final class OperatorReconfig {
    private static final long DEADLINE_MS = 60_000;

    private OperatorReconfig() {
    }

    /** Applies {@code joining}/{@code leaving} through the members {@code via}; returns the new config. */
    static ConfigText apply(ReconfigEnsemble ensemble, String joining, String leaving, Predicate<ConfigText> applied,
                            int... via) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
        boolean sent = false;
        while (true) {
            try (ZooKeeperAdmin admin = ensemble.admin(ensemble.connectString(via), true)) {
                while (true) {
                    ConfigText current = synced(admin);
                    if (sent && applied.test(current)) {
                        System.out.println("reconfig reply lost; the config read back holds the change: "
                                + Long.toHexString(current.version()));
                        return current;
                    }
                    sent = true;
                    long fromConfig = current.version();
                    int[] tries = {0};
                    try {
                        ConfigText next = ConfigText.of(ReconfigEnsemble.reconfigureOnceSynced(() -> {
                            tries[0]++;
                            return admin.reconfigure(joining, leaving, null, fromConfig, new Stat());
                        }));
                        if (tries[0] > 1) {
                            System.out.println("reconfig committed after " + (tries[0] - 1) + " NEWCONFIGNOQUORUM");
                        }
                        return next;
                    } catch (KeeperException.NewConfigNoQuorum e) {
                        throw new AssertionError("still NEWCONFIGNOQUORUM after retries; modes " + ensemble.modes()
                                + "\n" + ensemble.outputs(), e);
                    } catch (KeeperException.ReconfigInProgress e) {
                        failAfter(deadline, e, ensemble);
                        ReconfigEnsemble.sleep(250);
                    } catch (KeeperException.BadVersionException e) {
                        failAfter(deadline, e, ensemble); // re-read: the config moved on
                    }
                }
            } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException e) {
                failAfter(deadline, e, ensemble);
                ReconfigEnsemble.sleep(200);
            }
        }
    }

    private static void failAfter(long deadline, Exception e, ReconfigEnsemble ensemble) {
        if (System.nanoTime() > deadline) {
            throw new AssertionError("reconfig not applied within " + DEADLINE_MS + " ms (last answer " + e
                    + "); modes " + ensemble.modes() + "\n" + ensemble.outputs(), e);
        }
    }

    /** The config as the admin's member serves it after a sync (so it is at least the leader's at the sync). */
    static ConfigText synced(ZooKeeperAdmin admin) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        admin.sync("/", (rc, path, ctx) -> done.countDown(), null);
        done.await(15, TimeUnit.SECONDS);
        return ConfigText.of(admin.getConfig(false, new Stat()));
    }
}
