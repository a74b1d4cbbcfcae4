package io.coord.server.pipeline;

import io.coord.server.config.DynamicConfig;
import io.coord.server.tree.DataTree;
import io.coord.server.txn.Txn;
import io.coord.server.txn.TxnCodec;
import io.coord.server.txn.TxnEntry;
import io.coord.server.zab.Membership;
import io.coord.server.zab.MembershipCodec;
import io.coord.wire.OpCode;
import io.coord.wire.WireFormatException;

/**
 * How the ZAB core recognises Coord's reconfig txns: header type 16 (reconfig) and a SetDataTxn of
 * {@code /zookeeper/config} whose data is the new membership's text ({@link DynamicConfig}), as
 * ZooKeeper logs them. {@link Membership#encoded()} is that text, so members learn addresses from a
 * configuration carried in a vote or a sync bundle. Ordinary txns are told apart by the header's
 * type field alone (bytes 28..31), without decoding them.
 */
public final class ConfigTxnCodec implements MembershipCodec {
    /** Offset of the type in a txn header: sessionId (8), cxid (4), zxid (8), time (8). */
    private static final int TYPE_OFFSET = 28;

    @Override
    public Membership configIn(long zxid, byte[] txn) {
        if (txn.length < TYPE_OFFSET + 4 || typeOf(txn) != OpCode.RECONFIG) {
            return null;
        }
        TxnEntry e;
        try {
            e = TxnCodec.decode(txn);
        } catch (WireFormatException ex) {
            return null;
        }
        if (!(e.txn() instanceof Txn.SetDataTxn s) || !DataTree.CONFIG.equals(s.path())) {
            return null; // a refused reconfig (ErrorTxn) changes nothing
        }
        DynamicConfig c = DynamicConfig.parseOrNull(s.data());
        return c == null ? null : membership(c.withVersion(zxid));
    }

    @Override
    public Membership decode(byte[] encoded) {
        DynamicConfig c = DynamicConfig.parseOrNull(encoded);
        return c == null ? null : membership(c);
    }

    /** The core's view of a membership: voters, observers, version, and the text itself. */
    public static Membership membership(DynamicConfig c) {
        return Membership.of(c.version(), c.voters(), c.observers(), c.bytes());
    }

    private static int typeOf(byte[] b) {
        return ((b[TYPE_OFFSET] & 0xff) << 24) | ((b[TYPE_OFFSET + 1] & 0xff) << 16)
                | ((b[TYPE_OFFSET + 2] & 0xff) << 8) | (b[TYPE_OFFSET + 3] & 0xff);
    }
}
