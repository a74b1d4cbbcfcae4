package io.coord.server.txn;

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
import io.coord.wire.JuteReader;
import io.coord.wire.JuteWriter;
import io.coord.wire.WireFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * Jute encoding of a txn for the log: header {long sessionId, int cxid, long zxid, long time,
 * int type}, then int tag, then the body's fields in record order (strings as ustring, data as
 * buffer, ACLs as vector&lt;ACL&gt;, a multi as int count + (tag, body) per sub-txn).
 */
public final class TxnCodec {
    private TxnCodec() {
    }

    public static byte[] encode(TxnHeader h, Txn txn) {
        JuteWriter out = new JuteWriter(128);
        out.writeLong(h.sessionId()).writeInt(h.cxid()).writeLong(h.zxid()).writeLong(h.timeMs())
                .writeInt(h.type());
        writeTxn(out, txn, true);
        return out.toByteArray();
    }

    /** Where the header's time sits in {@link #encode} output: after sessionId (8 bytes), cxid (4) and zxid (8). */
    private static final int TIME_OFFSET = 20;

    /**
     * The header's time (ms on the wall clock of the leader that prepared the txn) of {@link #encode}
     * output, read without decoding the rest (metrics on a proposal's arrival); -1 when too short.
     */
    public static long timeMsOf(byte[] bytes) {
        if (bytes.length < TIME_OFFSET + Long.BYTES) {
            return -1;
        }
        long v = 0;
        for (int i = TIME_OFFSET; i < TIME_OFFSET + Long.BYTES; i++) {
            v = (v << 8) | (bytes[i] & 0xff);
        }
        return v;
    }

    /** Decodes {@link #encode} output; throws WireFormatException on any malformed input. */
    public static TxnEntry decode(byte[] bytes) {
        JuteReader in = new JuteReader(bytes);
        TxnHeader h = new TxnHeader(in.readLong(), in.readInt(), in.readLong(), in.readLong(), in.readInt());
        Txn txn = readTxn(in, true);
        if (in.hasRemaining()) {
            throw new WireFormatException(in.remaining() + " trailing bytes after txn");
        }
        return new TxnEntry(h, txn);
    }

    private static void writeTxn(JuteWriter out, Txn txn, boolean topLevel) {
        out.writeInt(txn.tag());
        if (txn instanceof CreateTxn c) {
            out.writeString(c.path()).writeBuffer(c.data()).writeRecordList(c.acl())
                    .writeLong(c.ephemeralOwner()).writeInt(c.parentCVersion());
        } else if (txn instanceof DeleteTxn d) {
            out.writeString(d.path());
        } else if (txn instanceof SetDataTxn s) {
            out.writeString(s.path()).writeBuffer(s.data()).writeInt(s.version());
        } else if (txn instanceof SetACLTxn s) {
            out.writeString(s.path()).writeRecordList(s.acl()).writeInt(s.version());
        } else if (txn instanceof CheckVersionTxn c) {
            out.writeString(c.path()).writeInt(c.version());
        } else if (txn instanceof MultiTxn m) {
            if (!topLevel) {
                throw new IllegalArgumentException("nested multi txn");
            }
            out.writeInt(m.txns().size());
            for (Txn sub : m.txns()) {
                writeTxn(out, sub, false);
            }
        } else if (txn instanceof CreateSessionTxn s) {
            out.writeInt(s.timeoutMs()).writeBuffer(s.passwd());
        } else if (txn instanceof CloseSessionTxn c) {
            out.writeStringList(c.ephemeralPaths());
        } else if (txn instanceof ErrorTxn e) {
            out.writeInt(e.err());
        } else {
            throw new IllegalArgumentException("unknown txn " + txn);
        }
    }

    private static Txn readTxn(JuteReader in, boolean topLevel) {
        int tag = in.readInt();
        return switch (tag) {
            case CreateTxn.TAG -> new CreateTxn(path(in), in.readBuffer(), acl(in), in.readLong(), in.readInt());
            case DeleteTxn.TAG -> new DeleteTxn(path(in));
            case SetDataTxn.TAG -> new SetDataTxn(path(in), in.readBuffer(), in.readInt());
            case SetACLTxn.TAG -> new SetACLTxn(path(in), acl(in), in.readInt());
            case CheckVersionTxn.TAG -> new CheckVersionTxn(path(in), in.readInt());
            case MultiTxn.TAG -> {
                if (!topLevel) {
                    throw new WireFormatException("nested multi txn");
                }
                yield new MultiTxn(readSubTxns(in));
            }
            case CreateSessionTxn.TAG -> new CreateSessionTxn(in.readInt(), in.readBuffer());
            case CloseSessionTxn.TAG -> {
                List<String> paths = in.readStringList();
                if (paths == null || paths.contains(null)) {
                    throw new WireFormatException("null path in close-session txn");
                }
                yield new CloseSessionTxn(paths);
            }
            case ErrorTxn.TAG -> new ErrorTxn(in.readInt());
            default -> throw new WireFormatException("unknown txn tag " + tag);
        };
    }

    private static List<Txn> readSubTxns(JuteReader in) {
        int n = in.readInt();
        // every sub-txn takes at least 8 bytes (tag + one int), so n is bounded by what is left
        if (n < 0 || (long) n * 8 > in.remaining()) {
            throw new WireFormatException("bad multi count " + n);
        }
        List<Txn> subs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            subs.add(readTxn(in, false));
        }
        return subs;
    }

    private static String path(JuteReader in) {
        String p = in.readString();
        if (p == null) {
            throw new WireFormatException("null path in txn");
        }
        return p;
    }

    private static List<Acl> acl(JuteReader in) {
        List<Acl> acl = Acl.readList(in);
        if (acl == null) {
            throw new WireFormatException("null ACL in txn");
        }
        return acl;
    }
}
