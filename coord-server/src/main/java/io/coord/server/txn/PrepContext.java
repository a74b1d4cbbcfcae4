package io.coord.server.txn;

import io.coord.wire.Id;
import java.util.List;

/**
 * Who is asking and when, for {@link TxnPrep}: the session, its authenticated ids (for ACL checks
 * and {@code auth} expansion; {@code super} passes every check), the client's IP address (for
 * {@code ip} ACLs; may be null), whether TTL nodes are allowed ({@code extendedTypesEnabled}), and
 * the zxid and time the txn will carry.
 */
public record PrepContext(long sessionId, List<Id> authIds, String clientIp, boolean extendedTypesEnabled,
                          long zxid, long timeMs) {
    public PrepContext {
        authIds = authIds == null ? List.of() : List.copyOf(authIds);
    }
}
