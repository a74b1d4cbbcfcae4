package io.coord.server.tree;

import io.coord.wire.Acl;
import io.coord.wire.JuteReader;
import io.coord.wire.JuteWriter;
import io.coord.wire.WireFormatException;
import java.util.Arrays;
import java.util.List;

/**
 * Snapshot bytes of one node, jute-encoded: buffer data, vector&lt;ACL&gt; acl, long czxid, mzxid,
 * ctime, mtime, int version, cversion, aversion, long ephemeralOwner, pzxid. No children (they are
 * rebuilt from the paths on load) and no per-node version tag (the snapshot file carries one).
 */
public final class NodeCodec {
    private NodeCodec() {
    }

    public static byte[] encode(NodeState s) {
        JuteWriter out = new JuteWriter(64 + s.dataLength());
        out.writeBuffer(s.data()).writeRecordList(s.acl())
                .writeLong(s.czxid()).writeLong(s.mzxid()).writeLong(s.ctime()).writeLong(s.mtime())
                .writeInt(s.version()).writeInt(s.cversion()).writeInt(s.aversion())
                .writeLong(s.ephemeralOwner()).writeLong(s.pzxid());
        return out.toByteArray();
    }

    /** Bytes after the ACL list: czxid, mzxid, ctime, mtime, 3 ints, ephemeralOwner, pzxid. */
    private static final int FIXED_TAIL_BYTES = 4 * 8 + 3 * 4 + 2 * 8;

    /** Decodes {@link #encode} output; throws WireFormatException on truncated or trailing bytes. */
    public static NodeState decode(byte[] bytes) {
        return decode(bytes, null);
    }

    /**
     * As {@link #decode(byte[])}, reusing {@code acls}' list when this node's ACL bytes equal those
     * of the last node it decoded (nodes of a snapshot mostly share one list), so loading a large
     * snapshot allocates no ACL objects per node. One cache per decoding thread.
     */
    static NodeState decode(byte[] bytes, AclCache acls) {
        return decode(bytes, 0, bytes.length, acls);
    }

    /** As {@link #decode(byte[], AclCache)}, for the encoded node in {@code bytes[offset, offset + length)}. */
    static NodeState decode(byte[] bytes, int offset, int length, AclCache acls) {
        JuteReader in = new JuteReader(bytes, offset, length);
        byte[] data = in.readBuffer();
        int aclStart = in.position();
        int aclEnd = offset + length - FIXED_TAIL_BYTES;
        List<Acl> acl = acls == null ? null : acls.lookup(bytes, aclStart, aclEnd);
        if (acl != null) {
            in = new JuteReader(bytes, aclEnd, FIXED_TAIL_BYTES);
        } else {
            acl = Acl.readList(in);
            if (acl == null) {
                throw new WireFormatException("node without ACL");
            }
            if (acls != null && in.position() == aclEnd) {
                acl = List.copyOf(acl);
                acls.remember(bytes, aclStart, aclEnd, acl);
            }
        }
        NodeState s = new NodeState(data, acl, in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readInt(), in.readInt(), in.readInt(), in.readLong(), in.readLong());
        if (in.hasRemaining()) {
            throw new WireFormatException(in.remaining() + " trailing bytes after node");
        }
        return s;
    }

    /** The last ACL list decoded and its bytes. Not thread-safe. */
    static final class AclCache {
        private byte[] aclBytes;
        private List<Acl> acl;

        List<Acl> lookup(byte[] bytes, int from, int to) {
            if (aclBytes == null || from > to || to - from != aclBytes.length) {
                return null;
            }
            return Arrays.equals(bytes, from, to, aclBytes, 0, aclBytes.length) ? acl : null;
        }

        void remember(byte[] bytes, int from, int to, List<Acl> list) {
            aclBytes = Arrays.copyOfRange(bytes, from, to);
            acl = list;
        }
    }
}
