package io.coord.server.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.coord.server.tree.EphemeralOwner;
import io.coord.server.txn.Txn.CheckVersionTxn;
import io.coord.server.txn.Txn.CloseSessionTxn;
import io.coord.server.txn.Txn.CreateSessionTxn;
import io.coord.server.txn.Txn.CreateTxn;
import io.coord.server.txn.Txn.DeleteTxn;
import io.coord.server.txn.Txn.ErrorTxn;
import io.coord.server.txn.Txn.MultiTxn;
import io.coord.server.txn.Txn.SetACLTxn;
import io.coord.server.txn.Txn.SetDataTxn;
import io.coord.wire.Acl;
import io.coord.wire.Id;
import io.coord.wire.JuteWriter;
import io.coord.wire.OpCode;
import io.coord.wire.WireFormatException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TxnCodecTest {
    private static final TxnHeader H = new TxnHeader(0x1234567890L, 77, 0x100000005L, 1_700_000_000_000L, OpCode.CREATE2);
    private static final List<Acl> ACL = List.of(new Acl(31, new Id("digest", "u:abc=")), new Acl(1, Id.ANYONE));

    static List<Txn> samples() {
        return List.of(
                new CreateTxn("/a/b-0000000001", new byte[] {1, 2}, ACL, EphemeralOwner.ttl(5000), 2),
                new CreateTxn("/c", null, Acl.OPEN_ACL_UNSAFE, EphemeralOwner.CONTAINER, -1),
                new DeleteTxn("/é"),
                new SetDataTxn("/a", new byte[0], 3),
                new SetDataTxn("/a", null, Integer.MIN_VALUE),
                new SetACLTxn("/a", ACL, 9),
                new CheckVersionTxn("/a", 4),
                new CreateSessionTxn(30_000, new byte[16]),
                new CreateSessionTxn(4000, null),
                new CloseSessionTxn(List.of("/e1", "/x/e2")),
                new CloseSessionTxn(List.of()),
                new ErrorTxn(-101),
                new MultiTxn(List.of(new CreateTxn("/m", new byte[] {5}, ACL, 0, 1), new DeleteTxn("/m"),
                        new SetDataTxn("/n", new byte[] {7}, 1), new CheckVersionTxn("/n", 1))),
                new MultiTxn(List.of(new ErrorTxn(0), new ErrorTxn(-110), new ErrorTxn(-2))),
                new MultiTxn(List.of()));
    }

    @Test
    void roundTripsEveryTxnType() {
        for (Txn t : samples()) {
            byte[] bytes = TxnCodec.encode(H, t);
            TxnEntry e = TxnCodec.decode(bytes);
            assertEquals(H, e.header());
            assertEquals(t.tag(), e.txn().tag());
            assertArrayEquals(bytes, TxnCodec.encode(e.header(), e.txn()), t.toString());
            assertSameTxn(t, e.txn());
        }
    }

    @Test
    void rejectsMalformedInput() {
        byte[] good = TxnCodec.encode(H, samples().get(0));
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            assertThrows(WireFormatException.class, () -> TxnCodec.decode(cut), "truncated at " + len);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThrows(WireFormatException.class, () -> TxnCodec.decode(longer));
        JuteWriter w = header().writeInt(99);
        assertThrows(WireFormatException.class, () -> TxnCodec.decode(w.toByteArray()));
        JuteWriter nested = header().writeInt(MultiTxn.TAG).writeInt(1).writeInt(MultiTxn.TAG).writeInt(0);
        assertThrows(WireFormatException.class, () -> TxnCodec.decode(nested.toByteArray()));
        JuteWriter huge = header().writeInt(MultiTxn.TAG).writeInt(Integer.MAX_VALUE);
        assertThrows(WireFormatException.class, () -> TxnCodec.decode(huge.toByteArray()));
        JuteWriter nullPath = header().writeInt(DeleteTxn.TAG).writeString(null);
        assertThrows(WireFormatException.class, () -> TxnCodec.decode(nullPath.toByteArray()));
        assertThrows(IllegalArgumentException.class, () -> TxnCodec.encode(H,
                new MultiTxn(List.of(new MultiTxn(List.of())))));
    }

    private static JuteWriter header() {
        return new JuteWriter().writeLong(1).writeInt(2).writeLong(3).writeLong(4).writeInt(5);
    }

    /** Records compare byte[] by identity, so compare field by field with array contents. */
    static void assertSameTxn(Txn expected, Txn actual) {
        assertEquals(expected.getClass(), actual.getClass());
        if (expected instanceof CreateTxn c && actual instanceof CreateTxn a) {
            assertEquals(c.path(), a.path());
            assertArrayEquals(c.data(), a.data());
            assertEquals(c.acl(), a.acl());
            assertEquals(c.ephemeralOwner(), a.ephemeralOwner());
            assertEquals(c.parentCVersion(), a.parentCVersion());
        } else if (expected instanceof SetDataTxn s && actual instanceof SetDataTxn a) {
            assertEquals(s.path(), a.path());
            assertArrayEquals(s.data(), a.data());
            assertEquals(s.version(), a.version());
        } else if (expected instanceof CreateSessionTxn s && actual instanceof CreateSessionTxn a) {
            assertEquals(s.timeoutMs(), a.timeoutMs());
            assertArrayEquals(s.passwd(), a.passwd());
        } else if (expected instanceof MultiTxn m && actual instanceof MultiTxn a) {
            assertEquals(m.txns().size(), a.txns().size());
            for (int i = 0; i < m.txns().size(); i++) {
                assertSameTxn(m.txns().get(i), a.txns().get(i));
            }
        } else {
            assertEquals(expected, actual);
        }
    }
}
