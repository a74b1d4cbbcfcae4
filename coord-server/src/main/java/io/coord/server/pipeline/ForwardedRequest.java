package io.coord.server.pipeline;

import io.coord.wire.Id;
import java.util.List;

/**
 * A request that only the leader may turn into a txn, as forwarded by the member holding the
 * client's connection (the leader forwards its own clients' requests to itself the same way).
 * {@code body} is the jute encoding of the request body (for createSession: int timeoutMs, buffer
 * password); {@code authIds} and {@code clientIp} are what the origin knows of the session, so the
 * leader's ACL checks see them.
 *
 * @param origin    member id holding the client's connection (0: issued by the leader itself)
 * @param sessionId the client's session
 * @param cxid      the client's xid, echoed in the txn header to match the commit to the request
 * @param type      the op code
 */
public record ForwardedRequest(long origin, long sessionId, int cxid, int type, byte[] body, List<Id> authIds,
                               String clientIp) {
    public ForwardedRequest {
        authIds = List.copyOf(authIds);
    }
}
