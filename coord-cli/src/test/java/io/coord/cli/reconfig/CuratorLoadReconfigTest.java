package io.coord.cli.reconfig;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15, scenarios d and e: Curator 5.9's EnsembleTracker follows the membership through a grow
 * (3 to 5) and a shrink that removes two of the first members (1 and 2, the leader possibly among
 * them), while a few Curator clients write sequential nodes; every create that was acknowledged is
 * present on every remaining member at the end. The reconfigs are sent as an operator would
 * ({@link OperatorReconfig}): a NEWCONFIGNOQUORUM while the joiners are still syncing is retried,
 * and a removal whose reply is lost is read back from a remaining member.
 */
class CuratorLoadReconfigTest {
    private static final int WRITERS = 3;

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource(ReconfigTarget.SOURCE)
    void trackerFollowsAndNoAckedWriteIsLost(ReconfigTarget target) throws Exception {
        try (ReconfigEnsemble ensemble = new ReconfigEnsemble(target, dir)) {
            ensemble.startInitial(3);
            ensemble.startJoiners(4, 5);
            try (WriteLoad load = new WriteLoad(ensemble.connectString(1, 2, 3), WRITERS)) {
                load.awaitMoreAcks(20);
                OperatorReconfig.apply(ensemble, ensemble.serverLines(4, 5), null,
                        c -> c.ids("participant").equals(Set.of(1, 2, 3, 4, 5)), 1, 2, 3);
                load.awaitMoreAcks(20);
                ConfigText last = OperatorReconfig.apply(ensemble, null, "1,2", c -> c.ids().equals(Set.of(3, 4, 5)),
                        3, 4, 5);
                load.awaitMoreAcks(20);
                load.stopWriting();
                Set<String> expected = new TreeSet<>(List.of(hostPort(ensemble, 3), hostPort(ensemble, 4),
                        hostPort(ensemble, 5)));
                assertEquals(expected, last.clientAddresses());
                for (CuratorFramework c : load.clients()) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> WriteLoad.sorted(
                            c.getZookeeperClient().getCurrentConnectionString()).equals(expected));
                    assertEquals(last.version(), c.getCurrentConfig().getVersion(),
                            "Curator's current config is the last one");
                }
                System.out.println(target + ": " + load.acked().size() + " acked creates, " + load.failed()
                        + " failed or unknown; Curator's connect string " + expected);
                for (int id : new int[] {3, 4, 5}) {
                    assertEquals(Set.of(), load.missingOn(ensemble.connectString(id)),
                            "acked creates missing on member " + id);
                }
            }
        }
    }

    private static String hostPort(ReconfigEnsemble ensemble, int id) {
        return "127.0.0.1:" + ensemble.clientPort(id);
    }
}
