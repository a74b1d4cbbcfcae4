package io.coord.server.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.wire.Acl;
import io.coord.wire.WireFormatException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NodeCodecAclCacheTest {
    private static NodeState node(byte[] data, java.util.List<Acl> acl, long czxid) {
        return new NodeState(data, acl, czxid, czxid + 1, 10, 20, 1, 2, 3, 0, czxid + 2);
    }

    @Test
    void equalAclBytesShareOneListAndDecodeEqually() {
        NodeCodec.AclCache cache = new NodeCodec.AclCache();
        NodeState a = node(new byte[] {1, 2}, Acl.OPEN_ACL_UNSAFE, 5);
        NodeState b = node(new byte[0], Acl.OPEN_ACL_UNSAFE, 6);
        NodeState c = node(new byte[] {7}, Acl.READ_ACL_UNSAFE, 7);
        NodeState da = NodeCodec.decode(NodeCodec.encode(a), cache);
        NodeState db = NodeCodec.decode(NodeCodec.encode(b), cache);
        NodeState dc = NodeCodec.decode(NodeCodec.encode(c), cache);
        assertTrue(da.sameAs(a));
        assertTrue(db.sameAs(b));
        assertTrue(dc.sameAs(c));
        assertSame(da.acl(), db.acl(), "the second node reuses the first node's list");
        assertNotSame(da.acl(), dc.acl());
        assertEquals(Acl.READ_ACL_UNSAFE, dc.acl());
    }

    @Test
    void cachedAclStillRejectsTruncatedOrTrailingBytes() {
        NodeCodec.AclCache cache = new NodeCodec.AclCache();
        byte[] good = NodeCodec.encode(node(new byte[] {1}, Acl.OPEN_ACL_UNSAFE, 5));
        NodeCodec.decode(good, cache);
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(WireFormatException.class, () -> NodeCodec.decode(trailing, cache));
        byte[] truncated = Arrays.copyOf(good, good.length - 1);
        assertThrows(RuntimeException.class, () -> NodeCodec.decode(truncated, cache));
        assertThrows(RuntimeException.class, () -> NodeCodec.decode(new byte[] {0, 0}, cache));
    }
}
