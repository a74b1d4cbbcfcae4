package io.coord.server.pipeline;

import io.coord.server.auth.AuthPolicy;
import io.coord.server.session.SessionTracker;
import io.coord.wire.Id;

/**
 * The {@code x509} scheme: a client that presented a certificate in its TLS handshake is, for
 * its session on that connection, {@code x509:<subject DN, RFC 2253>}, as ZooKeeper's
 * X509AuthenticationProvider makes it; ACL entries with scheme x509 then match that exact DN, and
 * the subject named by {@code X509AuthenticationProvider.superUser} is also super. The pipeline
 * calls {@link #attach} when it binds a session to a connection (created or reattached: a
 * reattached session has just lost its previous connection's identities).
 */
final class CertificateAuth {
    static final String SCHEME = "x509";

    private CertificateAuth() {
    }

    /** Gives the session bound to {@code conn} its certificate identity, if the connection has one. */
    static void attach(SessionTracker tracker, AuthPolicy policy, Connection conn) {
        String subject = conn.channel.peerCertificateSubject();
        if (subject != null && conn.sessionId != 0) {
            for (Id id : policy.identitiesFor(new Id(SCHEME, subject))) {
                tracker.addAuth(conn.sessionId, id);
            }
        }
    }
}
