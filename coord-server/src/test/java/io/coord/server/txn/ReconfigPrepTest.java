package io.coord.server.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.auth.AuthPolicy;
import io.coord.server.config.DynamicConfig;
import io.coord.server.tree.DataTree;
import io.coord.wire.ErrorCode;
import io.coord.wire.Id;
import io.coord.wire.KeeperError;
import io.coord.wire.ReconfigRequest;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ZooKeeper's reconfig checks, in its order (PrepRequestProcessor, case reconfig). */
class ReconfigPrepTest {
    private static final DynamicConfig CURRENT = DynamicConfig.parse(
            "server.1=127.0.0.1:2888:3888:participant;127.0.0.1:2181\n"
                    + "server.2=127.0.0.1:2889:3889:participant;127.0.0.1:2182\n"
                    + "server.3=127.0.0.1:2890:3890:participant;127.0.0.1:2183\nversion=100000005");
    private static final String FOUR = "server.4=127.0.0.1:2891:3891:observer;127.0.0.1:2184";
    private final TxnPrep prep = new TxnPrep(new DataTree(), AuthPolicy.DEFAULT);
    private final PrepContext superUser = new PrepContext(1, List.of(AuthPolicy.SUPER), null, false, 9, 0);
    private final PrepContext anyone = new PrepContext(1, List.of(), null, false, 9, 0);

    private DynamicConfig next(ReconfigRequest r, PrepContext ctx) throws KeeperError {
        return ReconfigPrep.next(r, CURRENT, prep, ctx);
    }

    private ErrorCode refusal(ReconfigRequest r, PrepContext ctx) {
        return assertThrows(KeeperError.class, () -> next(r, ctx)).code();
    }

    @Test
    void incrementalLeavesThenJoins() throws KeeperError {
        DynamicConfig n = next(new ReconfigRequest(FOUR, "3", null, 0x100000005L), superUser);
        assertEquals(Set.of(1L, 2L), n.voters());
        assertEquals(Set.of(4L), n.observers());
        // A joiner that is already a member replaces its line (how a role changes).
        DynamicConfig observer = next(new ReconfigRequest(
                "server.3=127.0.0.1:2890:3890:observer;127.0.0.1:2183", null, null, -1), superUser);
        assertTrue(observer.servers().get(3L).observer());
        // ... and how its client address moves (and the election port, never bound): the member rebinds.
        DynamicConfig moved = next(new ReconfigRequest(
                "server.2=127.0.0.1:2889:3999:participant;127.0.0.1:2999", null, null, -1), superUser);
        assertEquals(2999, moved.servers().get(2L).clientAddress().getPort());
        assertEquals(3999, moved.servers().get(2L).electionPort());
        // ... and its quorum address (host, quorum port), as ZooKeeper: the member moves its quorum
        // listener and the others redial it there.
        DynamicConfig quorumMoved = next(new ReconfigRequest(
                "server.2=127.0.0.1:2999:3889:participant;127.0.0.1:2182", null, null, -1), superUser);
        assertEquals(2999, quorumMoved.servers().get(2L).quorumPort());
        DynamicConfig hostMoved = next(new ReconfigRequest(
                "server.2=10.0.0.2:2889:3889:participant;127.0.0.1:2182", null, null, -1), superUser);
        assertEquals("10.0.0.2", hostMoved.servers().get(2L).host());
        DynamicConfig wildcard = next(new ReconfigRequest(null, null, CURRENT.text().replace("\nversion=100000005", "")
                .replace(";127.0.0.1:2183", ";2993"), -1), superUser);
        assertTrue(wildcard.servers().get(3L).clientAddress().getAddress().isAnyLocalAddress());
    }

    @Test
    void nonIncrementalReplacesTheMembership() throws KeeperError {
        DynamicConfig n = next(new ReconfigRequest(null, null, CURRENT.text().replace("\nversion=100000005", "")
                + "," + FOUR, -1), superUser);
        assertEquals(Set.of(1L, 2L, 3L, 4L), n.servers().keySet());
    }

    @Test
    void refusalsInZooKeepersOrder() {
        // A wrong fromConfig is BADVERSION before anything else is looked at (even the ACL).
        assertEquals(ErrorCode.BADVERSION, refusal(new ReconfigRequest(null, "3", null, 4), anyone));
        assertEquals(ErrorCode.BADARGUMENTS, refusal(new ReconfigRequest("server.4=bad", null, null, -1), superUser));
        assertEquals(ErrorCode.BADARGUMENTS, refusal(new ReconfigRequest(
                "server.4=127.0.0.1:2891:3891", null, null, -1), superUser), "a joiner needs a client port");
        assertEquals(ErrorCode.BADARGUMENTS, refusal(new ReconfigRequest(
                "server.4=127.0.0.1:2888:3999;2184", null, null, -1), superUser), "another member's quorum address");
        assertEquals(ErrorCode.BADARGUMENTS, refusal(new ReconfigRequest(null, "2,3", null, -1), superUser));
        assertEquals(ErrorCode.BADARGUMENTS, refusal(new ReconfigRequest(null, "x", null, -1), superUser));
        assertEquals(ErrorCode.BADARGUMENTS, refusal(new ReconfigRequest(
                "server.2=127.0.0.1:2889:3889;127.0.0.1:2181", null, null, -1), superUser), "member 1's client address");
        assertEquals(ErrorCode.BADARGUMENTS, refusal(new ReconfigRequest(
                "server.2=127.0.0.1:2889:3889;127.0.0.1:2888", null, null, -1), superUser), "member 1's quorum port");
        // /zookeeper/config is world-readable only: without the super user, NOAUTH (WRITE is checked).
        assertEquals(ErrorCode.NOAUTH, refusal(new ReconfigRequest(null, "3", null, -1), anyone));
        assertEquals(ErrorCode.NOAUTH, refusal(new ReconfigRequest(null, "3", null, -1),
                new PrepContext(1, List.of(new Id("digest", "bob:x")), null, false, 9, 0)));
    }
}
