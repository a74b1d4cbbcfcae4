package io.coord.server.pipeline;

import io.coord.wire.Id;
import io.coord.wire.JuteReader;
import io.coord.wire.JuteRecord;
import io.coord.wire.Requests;
import java.util.List;

/**
 * A request that only the leader may turn into a txn, as forwarded by the member holding the
 * client's connection (the leader forwards its own clients' requests to itself the same way).
 * {@code authIds} and {@code clientIp} are what the origin knows of the session, so the leader's
 * ACL checks see them.
 *
 * <p>Decoded once: a request the leader takes from its own clients (or issues itself) carries the
 * decoded body ({@code request}) and is never encoded; one that crossed the member link carries the
 * jute bytes ({@code encodedBody}), which the leader decodes once when it prepares the txn.
 *
 * @param origin      member id holding the client's connection (0: issued by the leader itself)
 * @param sessionId   the client's session
 * @param cxid        the client's xid, echoed in the txn header to match the commit to the request
 * @param type        the op code
 * @param request     the decoded body (null when {@code encodedBody} holds it, or there is none)
 * @param encodedBody the body's jute encoding as received from another member (null when local)
 */
public record ForwardedRequest(long origin, long sessionId, int cxid, int type, JuteRecord request,
                               byte[] encodedBody, List<Id> authIds, String clientIp) {
    public ForwardedRequest {
        authIds = List.copyOf(authIds);
    }

    /** A request taken on this member, body already decoded. */
    public static ForwardedRequest local(long origin, long sessionId, int cxid, int type, JuteRecord request,
                                         List<Id> authIds, String clientIp) {
        return new ForwardedRequest(origin, sessionId, cxid, type, request, null, authIds, clientIp);
    }

    /** A request received from another member. */
    public static ForwardedRequest received(long origin, long sessionId, int cxid, int type, byte[] body,
                                            List<Id> authIds, String clientIp) {
        return new ForwardedRequest(origin, sessionId, cxid, type, null, body, authIds, clientIp);
    }

    /** The body's jute encoding, to send it to another member. */
    public byte[] body() {
        if (encodedBody != null) {
            return encodedBody;
        }
        return request == null ? new byte[0] : request.toBytes();
    }

    /** The decoded body; {@code reader} decodes bytes received from another member (may throw). */
    JuteRecord decoded(java.util.function.Function<JuteReader, JuteRecord> reader) {
        return request != null ? request : reader.apply(new JuteReader(encodedBody));
    }

    /** The decoded body of a client write. */
    JuteRecord decodedClientBody() {
        return decoded(in -> Requests.decodeBody(type, in));
    }
}
