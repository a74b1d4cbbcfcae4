package io.coord.wire;

import java.util.List;
import java.util.Objects;

/** Reply of getACL (6): the ACL and the node's Stat. */
public record GetACLResponse(List<Acl> acl, Stat stat) implements JuteRecord {
    public GetACLResponse {
        Objects.requireNonNull(stat, "stat");
    }

    @Override
    public void write(JuteWriter out) {
        out.writeRecordList(acl);
        stat.write(out);
    }

    public static GetACLResponse read(JuteReader in) {
        return new GetACLResponse(Acl.readList(in), Stat.read(in));
    }
}
