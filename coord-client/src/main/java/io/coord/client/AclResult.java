package io.coord.client;

import io.coord.wire.Acl;
import io.coord.wire.Stat;
import java.util.List;

/** A node's ACL and Stat. */
public record AclResult(List<Acl> acl, Stat stat) {
    public AclResult {
        acl = List.copyOf(acl);
    }
}
