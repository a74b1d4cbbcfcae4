package io.coord.server.tree;

import io.coord.wire.Acl;

/**
 * A 64-bit hash of one node's path and state. The tree digest is the wrapping sum of these, so it
 * does not depend on iteration order and can be kept up to date by add/subtract on each change.
 * Fully specified here (no String/record hashCode) so it is equal across JVMs and replicas.
 */
final class NodeHash {
    private static final long MULT = 0x9E3779B97F4A7C15L;
    private long h = 0x2545F4914F6CDD1DL;

    private NodeHash() {
    }

    static long of(String path, NodeState s) {
        NodeHash nh = new NodeHash();
        nh.string(path);
        nh.bytes(s.data());
        nh.mix(s.acl().size());
        for (Acl a : s.acl()) {
            nh.mix(a.perms());
            nh.string(a.id().scheme());
            nh.string(a.id().id());
        }
        nh.mix(s.czxid());
        nh.mix(s.mzxid());
        nh.mix(s.ctime());
        nh.mix(s.mtime());
        nh.mix(((long) s.version() << 32) ^ (s.cversion() & 0xffffffffL));
        nh.mix(s.aversion());
        nh.mix(s.ephemeralOwner());
        nh.mix(s.pzxid());
        return fmix(nh.h);
    }

    private void mix(long v) {
        h = Long.rotateLeft((h ^ v) * MULT, 29) * 0xBF58476D1CE4E5B9L;
    }

    private void string(String s) {
        if (s == null) {
            mix(-1);
            return;
        }
        mix(s.length());
        int i = 0;
        for (; i + 4 <= s.length(); i += 4) {
            mix(((long) s.charAt(i) << 48) | ((long) s.charAt(i + 1) << 32)
                    | ((long) s.charAt(i + 2) << 16) | s.charAt(i + 3));
        }
        long tail = 0;
        for (; i < s.length(); i++) {
            tail = (tail << 16) | s.charAt(i);
        }
        mix(tail);
    }

    private void bytes(byte[] b) {
        if (b == null) {
            mix(-1);
            return;
        }
        mix(b.length);
        int i = 0;
        for (; i + 8 <= b.length; i += 8) {
            long v = 0;
            for (int k = 0; k < 8; k++) {
                v = (v << 8) | (b[i + k] & 0xff);
            }
            mix(v);
        }
        long tail = 0;
        for (; i < b.length; i++) {
            tail = (tail << 8) | (b[i] & 0xff);
        }
        mix(tail);
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
