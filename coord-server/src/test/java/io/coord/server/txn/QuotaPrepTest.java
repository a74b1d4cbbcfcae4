package io.coord.server.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.coord.server.tree.DataTree;
import io.coord.server.tree.Quotas;
import io.coord.wire.Acl;
import io.coord.wire.CreateRequest;
import io.coord.wire.ErrorCode;
import io.coord.wire.KeeperError;
import io.coord.wire.OpCode;
import io.coord.wire.SetDataRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** TxnPrep's quota check: hard limits refuse with QUOTAEXCEEDED naming the quota'd path, soft ones warn. */
class QuotaPrepTest {
    private final DataTree tree = new DataTree();
    private final TxnPrep prep = new TxnPrep(tree);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger prepLog = (Logger) LoggerFactory.getLogger(TxnPrep.class);
    private long zxid;

    @BeforeEach
    void captureLog() {
        logged.start();
        prepLog.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        prepLog.detachAppender(logged);
    }

    @Test
    void hardLimitsRefuseAndNameTheQuotaRoot() throws KeeperError {
        create("/q", "");
        setQuota("/q", "count=-1,bytes=-1=;byteHardLimit=4;countHardLimit=2");
        create("/q/a", "1234");
        KeeperError count = assertThrows(KeeperError.class, () -> prepCreate("/q/a/b", ""));
        assertEquals(ErrorCode.QUOTAEXCEEDED, count.code());
        assertEquals("/q", count.path());
        KeeperError bytes = assertThrows(KeeperError.class,
                () -> prep.prepSetData(new SetDataRequest("/q/a", bytes("12345"), -1), ctx()));
        assertEquals(ErrorCode.QUOTAEXCEEDED, bytes.code());
        // The quota check comes before the version check, as in ZooKeeper.
        assertEquals(ErrorCode.QUOTAEXCEEDED, assertThrows(KeeperError.class,
                () -> prep.prepSetData(new SetDataRequest("/q/a", bytes("12345"), 7), ctx())).code());
        assertTrue(logged.list.isEmpty(), "a refused write is not a soft-limit warning");
    }

    @Test
    void softLimitsLetTheWriteThroughAndWarnAtMostOncePerInterval() throws KeeperError {
        create("/q", "");
        setQuota("/q", "count=2,bytes=-1");
        create("/q/a", "");
        create("/q/b", ""); // count 3 > 2: allowed, warned
        create("/q/c", ""); // within the same 10 s: not logged again
        assertEquals(1, logged.list.size(), logged.list.toString());
        String warning = logged.list.get(0).getFormattedMessage();
        assertTrue(warning.contains("Quota exceeded: /q") && warning.contains("count would be 3"), warning);
        assertEquals("count=4,bytes=0", new String(tree.node(Quotas.statPath("/q")).data(), StandardCharsets.UTF_8));
    }

    private void setQuota(String path, String limits) throws KeeperError {
        create("/zookeeper/quota" + path, "");
        create(Quotas.limitPath(path), limits);
        create(Quotas.statPath(path), "count=0,bytes=0");
    }

    private Txn prepCreate(String path, String data) throws KeeperError {
        return prep.prepCreate(new CreateRequest(path, bytes(data), Acl.OPEN_ACL_UNSAFE, 0), ctx());
    }

    private void create(String path, String data) throws KeeperError {
        Txn txn = prepCreate(path, data);
        zxid++;
        TxnApplier.apply(tree, new TxnHeader(1, (int) zxid, zxid, zxid * 1000, OpCode.CREATE), txn);
    }

    private PrepContext ctx() {
        return new PrepContext(1, List.of(), "127.0.0.1", true, zxid + 1, (zxid + 1) * 1000);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
