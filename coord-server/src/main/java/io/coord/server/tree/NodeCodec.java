package io.coord.server.tree;

import io.coord.wire.Acl;
import io.coord.wire.JuteReader;
import io.coord.wire.JuteWriter;
import io.coord.wire.WireFormatException;
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

    /** Decodes {@link #encode} output; throws WireFormatException on truncated or trailing bytes. */
    public static NodeState decode(byte[] bytes) {
        JuteReader in = new JuteReader(bytes);
        byte[] data = in.readBuffer();
        List<Acl> acl = Acl.readList(in);
        if (acl == null) {
            throw new WireFormatException("node without ACL");
        }
        NodeState s = new NodeState(data, acl, in.readLong(), in.readLong(), in.readLong(),
                in.readLong(), in.readInt(), in.readInt(), in.readInt(), in.readLong(), in.readLong());
        if (in.hasRemaining()) {
            throw new WireFormatException(in.remaining() + " trailing bytes after node");
        }
        return s;
    }
}
