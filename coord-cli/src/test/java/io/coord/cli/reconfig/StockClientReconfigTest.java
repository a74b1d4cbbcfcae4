package io.coord.cli.reconfig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.admin.ZooKeeperAdmin;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15, scenario a: the stock client's {@code ZooKeeperAdmin.reconfigure} grows a 3-member
 * ensemble to 5 (joining), shrinks it back (leaving), refuses a stale fromConfig (BADVERSION), a new
 * membership without a synced quorum (NEWCONFIGNOQUORUM) and a client that is not the super user
 * (NOAUTH); without reconfigEnabled the answer is RECONFIGDISABLED. What ZooKeeper answers is noted
 * in docs/RECONFIG-ORACLE.md.
 */
class StockClientReconfigTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource(ReconfigTarget.SOURCE)
    void joinLeaveNewMembersAndRefusals(ReconfigTarget target) throws Exception {
        try (ReconfigEnsemble ensemble = new ReconfigEnsemble(target, dir)) {
            ensemble.startInitial(3);
            try (ZooKeeperAdmin admin = ensemble.admin(ensemble.connectString(1, 2, 3), true)) {
                ConfigText initial = ConfigText.of(admin.getConfig(false, new Stat()));
                assertEquals(3, initial.servers().size(), initial.text());

                ensemble.startJoiners(4, 5);
                System.out.println(target + " joiner before the reconfig: " + ensemble.mode(4) + "; /zookeeper/config ACL "
                        + admin.getACL("/zookeeper/config", new Stat()));
                Stat stat = new Stat();
                ConfigText grown = ConfigText.of(
                        admin.reconfigure(ensemble.serverLines(4, 5), null, null, -1, stat));
                assertEquals(List.of(ensemble.serverLine(1), ensemble.serverLine(2), ensemble.serverLine(3),
                        ensemble.serverLine(4), ensemble.serverLine(5)), grown.servers(), grown.text());
                assertTrue(grown.version() > initial.version(), initial.text() + " -> " + grown.text());
                System.out.println(target + " initial config:\n" + initial.text() + "\n" + target + " after joining 4,5:\n"
                        + grown.text() + "\n" + ensemble.configFiles(1));
                Stat readStat = new Stat();
                assertEquals(grown.text(), new String(admin.getConfig(false, readStat), StandardCharsets.UTF_8));
                assertEquals(stat.getMzxid(), readStat.getMzxid());
                assertEquals(grown.version(), readStat.getMzxid(), "version= is the zxid of the reconfig");
                ensemble.awaitServing(1, 2, 3, 4, 5);
                System.out.println(target + " after joining: " + ensemble.modes());

                // A stale fromConfig (the initial version) is refused.
                assertThrows(KeeperException.BadVersionException.class,
                        () -> admin.reconfigure(null, "4", null, initial.version(), new Stat()));

                ConfigText shrunk = ConfigText.of(admin.reconfigure(null, "4,5", null, grown.version(), new Stat()));
                assertEquals(List.of(ensemble.serverLine(1), ensemble.serverLine(2), ensemble.serverLine(3)),
                        shrunk.servers(), shrunk.text());
                assertTrue(shrunk.version() > grown.version());

                // Non-incremental: a majority of {1, 6, 7} needs 6 or 7, which never started.
                assertThrows(KeeperException.NewConfigNoQuorum.class,
                        () -> admin.reconfigure(null, null, ensemble.serverLines(1, 6, 7), -1, new Stat()));
                // Non-incremental, all synced: the same three as one newMembers list.
                ConfigText same = ConfigText.of(
                        admin.reconfigure(null, null, ensemble.serverLines(1, 2, 3), shrunk.version(), new Stat()));
                assertEquals(shrunk.servers(), same.servers(), same.text());
                assertNotEquals(shrunk.version(), same.version());
                System.out.println(target + " after leaving 4,5 and newMembers 1,2,3:\n" + same.text() + "\n"
                        + ensemble.configFiles(1));

                try (ZooKeeperAdmin anonymous = ensemble.admin(ensemble.connectString(1), false)) {
                    assertThrows(KeeperException.NoAuthException.class,
                            () -> anonymous.reconfigure(null, "3", null, -1, new Stat()));
                    assertArrayEquals(admin.getConfig(false, new Stat()), anonymous.getConfig(false, new Stat()),
                            "anyone may read the config");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource(ReconfigTarget.SOURCE)
    void withoutReconfigEnabledTheAnswerIsReconfigDisabled(ReconfigTarget target) throws Exception {
        try (ReconfigEnsemble ensemble = new ReconfigEnsemble(target, dir).withoutReconfig()) {
            ensemble.startInitial(3);
            try (ZooKeeperAdmin admin = ensemble.admin(ensemble.connectString(1, 2, 3), true)) {
                KeeperException e = assertThrows(KeeperException.class,
                        () -> admin.reconfigure(null, "3", null, -1, new Stat()));
                assertEquals(KeeperException.Code.RECONFIGDISABLED, e.code());
                assertEquals(3, ConfigText.of(admin.getConfig(false, new Stat())).servers().size());
            }
        }
    }
}
