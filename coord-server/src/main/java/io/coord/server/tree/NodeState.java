package io.coord.server.tree;

import io.coord.wire.Acl;
import io.coord.wire.Stat;
import java.util.Arrays;
import java.util.List;

/**
 * The persisted state of one znode, replaced (never mutated) on every change so a snapshot thread
 * can read it without locks. {@code data} may be null (a client may create a node with null data);
 * callers must not modify the array. Children are not part of the state: they follow from paths.
 */
public record NodeState(byte[] data, List<Acl> acl, long czxid, long mzxid, long ctime, long mtime,
                        int version, int cversion, int aversion, long ephemeralOwner, long pzxid) {

    public int dataLength() {
        return data == null ? 0 : data.length;
    }

    /** The Stat clients see: container and TTL markers are internal and show as owner 0. */
    public Stat toStat(int numChildren) {
        long visibleOwner = EphemeralOwner.isSession(ephemeralOwner) ? ephemeralOwner : 0;
        return new Stat(czxid, mzxid, ctime, mtime, version, cversion, aversion, visibleOwner,
                dataLength(), numChildren, pzxid);
    }

    public NodeState withData(byte[] newData, int newVersion, long zxid, long timeMs) {
        return new NodeState(newData, acl, czxid, zxid, ctime, timeMs, newVersion, cversion, aversion,
                ephemeralOwner, pzxid);
    }

    /** New data with every stat field kept (the server's own update of a quota stats node). */
    public NodeState withDataKeepingStat(byte[] newData) {
        return new NodeState(newData, acl, czxid, mzxid, ctime, mtime, version, cversion, aversion,
                ephemeralOwner, pzxid);
    }

    public NodeState withAcl(List<Acl> newAcl, int newAversion) {
        return new NodeState(data, newAcl, czxid, mzxid, ctime, mtime, version, cversion, newAversion,
                ephemeralOwner, pzxid);
    }

    public NodeState withChildChange(int newCversion, long newPzxid) {
        return new NodeState(data, acl, czxid, mzxid, ctime, mtime, version, newCversion, aversion,
                ephemeralOwner, newPzxid);
    }

    /** Same state, with the ACL list replaced by an equal (interned) instance. */
    NodeState withAclInstance(List<Acl> same) {
        return same == acl ? this : withAcl(same, aversion);
    }

    /** Value equality, comparing data by content (records compare arrays by identity). */
    public boolean sameAs(NodeState o) {
        return o != null && Arrays.equals(data, o.data) && acl.equals(o.acl) && czxid == o.czxid
                && mzxid == o.mzxid && ctime == o.ctime && mtime == o.mtime && version == o.version
                && cversion == o.cversion && aversion == o.aversion
                && ephemeralOwner == o.ephemeralOwner && pzxid == o.pzxid;
    }

    @Override
    public String toString() {
        return "NodeState[dataLength=" + dataLength() + ", acl=" + acl + ", czxid=" + czxid
                + ", mzxid=" + mzxid + ", ctime=" + ctime + ", mtime=" + mtime + ", version=" + version
                + ", cversion=" + cversion + ", aversion=" + aversion + ", ephemeralOwner=0x"
                + Long.toHexString(ephemeralOwner) + ", pzxid=" + pzxid + "]";
    }
}
