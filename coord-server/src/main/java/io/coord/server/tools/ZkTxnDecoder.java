package io.coord.server.tools;

import io.coord.server.tree.EphemeralOwner;
import io.coord.server.txn.Txn;
import io.coord.server.txn.TxnHeader;
import io.coord.wire.Acl;
import io.coord.wire.JuteReader;
import io.coord.wire.OpCode;
import io.coord.wire.WireFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the bytes of one ZooKeeper txn log record (TxnHeader, the txn record its type names, and
 * optionally a TxnDigest) into Coord's {@link TxnHeader} and {@link Txn}. The field layouts are
 * those of ZooKeeper's txn records (CreateTxn, CreateTTLTxn, CreateContainerTxn, DeleteTxn,
 * SetDataTxn, SetACLTxn, CheckVersionTxn, CreateSessionTxn, CloseSessionTxn, ErrorTxn, MultiTxn).
 * A close-session's ephemerals are left empty here: the importer takes them from the tree, as
 * ZooKeeper does when it applies the txn.
 */
final class ZkTxnDecoder {
    /** TxnDigest: int version, long digest; ZooKeeper 3.6+ appends it when digests are enabled. */
    private static final int DIGEST_BYTES = 12;

    private ZkTxnDecoder() {
    }

    record Decoded(TxnHeader header, Txn txn) {
    }

    static Decoded decode(Path file, long offset, byte[] bytes) throws ZkFormatException {
        try {
            JuteReader in = new JuteReader(bytes);
            long sessionId = in.readLong();
            int cxid = in.readInt();
            long zxid = in.readLong();
            long timeMs = in.readLong();
            int type = in.readInt();
            TxnHeader header = new TxnHeader(sessionId, cxid, zxid, timeMs, type);
            Txn txn = body(in, type, sessionId, true);
            if (in.remaining() != 0 && in.remaining() != DIGEST_BYTES) {
                throw new WireFormatException(in.remaining() + " unexpected bytes after the txn");
            }
            return new Decoded(header, txn);
        } catch (WireFormatException | IllegalArgumentException e) {
            throw new ZkFormatException(file, offset, "undecodable txn record: " + e.getMessage());
        }
    }

    private static Txn body(JuteReader in, int type, long sessionId, boolean topLevel) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2 -> {
                String path = path(in);
                byte[] data = in.readBuffer();
                List<Acl> acl = acl(in);
                boolean ephemeral = in.readBool();
                if (!in.hasRemaining()) {
                    throw new WireFormatException("create txn without parentCVersion (ZooKeeper before 3.3)");
                }
                yield new Txn.CreateTxn(path, data, acl, ephemeral ? sessionId : 0, in.readInt());
            }
            case OpCode.CREATE_CONTAINER -> new Txn.CreateTxn(path(in), in.readBuffer(), acl(in), EphemeralOwner.CONTAINER,
                    in.readInt());
            case OpCode.CREATE_TTL -> {
                String path = path(in);
                byte[] data = in.readBuffer();
                List<Acl> acl = acl(in);
                int parentCVersion = in.readInt();
                yield new Txn.CreateTxn(path, data, acl, EphemeralOwner.ttl(in.readLong()), parentCVersion);
            }
            case OpCode.DELETE, OpCode.DELETE_CONTAINER -> new Txn.DeleteTxn(path(in));
            case OpCode.SET_DATA, OpCode.RECONFIG -> new Txn.SetDataTxn(path(in), in.readBuffer(), in.readInt());
            case OpCode.SET_ACL -> new Txn.SetACLTxn(path(in), acl(in), in.readInt());
            case OpCode.CHECK -> new Txn.CheckVersionTxn(path(in), in.readInt());
            case OpCode.ERROR -> new Txn.ErrorTxn(in.readInt());
            case OpCode.CREATE_SESSION -> topLevel(new Txn.CreateSessionTxn(in.readInt(), null), topLevel);
            case OpCode.CLOSE_SESSION -> {
                if (in.hasRemaining() && in.remaining() != DIGEST_BYTES) {
                    in.readStringList(); // paths2Delete: the tree's own list is what ZooKeeper applies
                }
                yield topLevel(new Txn.CloseSessionTxn(List.of()), topLevel);
            }
            case OpCode.MULTI -> topLevel(multi(in, sessionId), topLevel);
            default -> throw new WireFormatException("unsupported txn type " + type);
        };
    }

    private static Txn topLevel(Txn txn, boolean topLevel) {
        if (!topLevel) {
            throw new WireFormatException("txn type " + txn.tag() + " inside a multi");
        }
        return txn;
    }

    private static Txn multi(JuteReader in, long sessionId) {
        int n = in.readInt();
        if (n < 0 || (long) n * 8 > in.remaining()) {
            throw new WireFormatException("bad multi count " + n);
        }
        List<Txn> subs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int type = in.readInt();
            byte[] data = in.readBuffer();
            if (data == null) {
                throw new WireFormatException("multi sub-txn without data");
            }
            JuteReader sub = new JuteReader(data);
            subs.add(body(sub, type, sessionId, false));
            if (sub.hasRemaining()) {
                throw new WireFormatException(sub.remaining() + " unexpected bytes in a multi sub-txn");
            }
        }
        return new Txn.MultiTxn(subs);
    }

    private static String path(JuteReader in) {
        String p = in.readString();
        if (p == null) {
            throw new WireFormatException("null path");
        }
        return p;
    }

    private static List<Acl> acl(JuteReader in) {
        List<Acl> acl = Acl.readList(in);
        if (acl == null) {
            throw new WireFormatException("null ACL");
        }
        return acl;
    }
}
