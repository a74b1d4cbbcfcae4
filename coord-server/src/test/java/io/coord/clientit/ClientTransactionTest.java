package io.coord.clientit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.client.CoordClient;
import io.coord.client.CoordException.TransactionFailedException;
import io.coord.client.OpResult;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import io.coord.wire.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientTransactionTest extends ClientItBase {
    private static final List<Acl> OPEN = Acl.OPEN_ACL_UNSAFE;

    @Test
    void allOpsApplyTogether() {
        client.create(p("old"), bytes("o"), OPEN, CreateMode.PERSISTENT);
        client.create(p("gone"), null, OPEN, CreateMode.PERSISTENT);
        List<OpResult> results = client.transaction()
                .create(p("new"), bytes("n"), OPEN, CreateMode.PERSISTENT)
                .create(p("seq-"), null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL)
                .setData(p("old"), bytes("o2"), 0)
                .check(p("old"), 1)
                .delete(p("gone"), -1)
                .commit();
        assertEquals(5, results.size());
        OpResult.Create created = assertInstanceOf(OpResult.Create.class, results.get(0));
        assertEquals(p("new"), created.path());
        assertTrue(((OpResult.Create) results.get(1)).path().matches(".*/seq-\\d{10}"));
        assertEquals(1, assertInstanceOf(OpResult.SetData.class, results.get(2)).stat().version());
        assertInstanceOf(OpResult.Check.class, results.get(3));
        assertInstanceOf(OpResult.Delete.class, results.get(4));
        assertEquals("n", client.getData(p("new")).text());
        assertEquals("o2", client.getData(p("old")).text());
        assertNull(client.exists(p("gone")));
    }

    @Test
    void aFailingOpAppliesNothingAndReportsPerOpResults() {
        client.create(p("x"), bytes("v"), OPEN, CreateMode.PERSISTENT);
        TransactionFailedException e = assertThrows(TransactionFailedException.class, () -> client.transaction()
                .create(p("a"), null, OPEN, CreateMode.PERSISTENT)
                .check(p("x"), 7)
                .delete(p("x"), -1)
                .commit());
        assertEquals(ErrorCode.BADVERSION, e.code());
        assertEquals(p("x"), e.path());
        assertEquals(1, e.failedIndex());
        assertEquals(List.of(new OpResult.Error(ErrorCode.OK), new OpResult.Error(ErrorCode.BADVERSION),
                new OpResult.Error(ErrorCode.RUNTIMEINCONSISTENCY)), e.results());
        assertNull(client.exists(p("a")));
        assertEquals("v", client.getData(p("x")).text());
    }

    @Test
    void chrootedTransactionResultsCarryClientPaths() {
        client.create(p("app"), null, OPEN, CreateMode.PERSISTENT);
        CoordClient chrooted = open(server.connectString() + p("app"), options().build());
        List<OpResult> results = chrooted.transaction().create("/a", null, OPEN, CreateMode.PERSISTENT).commit();
        assertEquals("/a", ((OpResult.Create) results.get(0)).path());
        TransactionFailedException e = assertThrows(TransactionFailedException.class,
                () -> chrooted.transaction().create("/a", null, OPEN, CreateMode.PERSISTENT).commit());
        assertEquals("/a", e.path());
        assertEquals(ErrorCode.NODEEXISTS, e.code());
    }

    @Test
    void emptyTransactionSucceeds() {
        assertEquals(List.of(), client.transaction().commit());
    }
}
