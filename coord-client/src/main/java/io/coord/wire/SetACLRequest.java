package io.coord.wire;

import java.util.List;

/** Body of setACL (7); version is the ACL version (aversion), -1 matches any. */
public record SetACLRequest(String path, List<Acl> acl, int version) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path).writeRecordList(acl).writeInt(version);
    }

    public static SetACLRequest read(JuteReader in) {
        return new SetACLRequest(in.readString(), Acl.readList(in), in.readInt());
    }
}
