package io.coord.server.auth;

import io.coord.server.config.SaslConfig;
import io.coord.wire.ErrorCode;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of client SASL (op 102, GetSASLRequest → SetSASLResponse) with DIGEST-MD5 (or
 * GSSAPI when the JAAS section is Kerberos: {@link KerberosLogin}), as
 * ZooKeeper runs it: one {@link SaslServer} per connection, created as
 * {@code Sasl.createSaslServer("DIGEST-MD5", "zookeeper", "zk-sasl-md5", null, handler)} against
 * the JAAS {@code Server} section's {@code user_<name>} passwords; when the exchange completes the
 * session gets the identity {@code sasl:<authorized id>}. Both request pipelines call
 * {@link #evaluate} and act on the {@link Step}; nothing here knows connections or sessions.
 */
public final class SaslAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(SaslAuthenticator.class);
    public static final String SCHEME = "sasl";
    static final String MECHANISM = "DIGEST-MD5";
    static final String PROTOCOL = "zookeeper";
    /** ZooKeeper's server name for DIGEST-MD5 (also the realm the client is offered). */
    static final String SERVER_NAME = "zk-sasl-md5";

    private final SaslConfig config;
    /** The server's Kerberos login (GSSAPI), or null for DIGEST-MD5. */
    private final KerberosLogin kerberos;

    /** With a Kerberos section, logs the server in now: a login that fails stops start-up. */
    public SaslAuthenticator(SaslConfig config) {
        this.config = config;
        this.kerberos = config.kerberos() == null ? null : KerberosLogin.login(config);
    }

    /** True when sessions must authenticate with SASL before any other request (sessionRequireClientSASLAuth). */
    public boolean required() {
        return config.required();
    }

    /**
     * What to answer a sasl request: the server's token (may be null), the identity when this step
     * completed the exchange, and the error code when it failed (the connection is then closed).
     */
    public record Step(byte[] token, String authorizedId, ErrorCode failure) {
    }

    /** One connection's exchange; lives on the connection, confined to the request thread. */
    public static final class Exchange {
        private SaslServer server;
        private boolean finished;
    }

    public Exchange newExchange() {
        return new Exchange();
    }

    /**
     * One round of the exchange. Without SASL configured the answer is OK with a null token, as a
     * ZooKeeper without a JAAS Server section answers (the stock client then reports AuthFailed).
     * A bad token or wrong credentials fail with AUTHFAILED (SESSIONCLOSEDREQUIRESASLAUTH when
     * SASL is required); the caller then closes the connection, unless allowSaslFailedClients lets
     * it stay (then the step is OK with a null token and no identity).
     */
    public Step evaluate(Exchange exchange, byte[] clientToken, String client) {
        if (!config.enabled()) {
            return new Step(null, null, null);
        }
        try {
            if (exchange.finished) {
                throw new SaslException("the SASL exchange of this connection has already ended");
            }
            if (clientToken == null) {
                throw new SaslException("null SASL token");
            }
            if (exchange.server == null) {
                exchange.server = kerberos != null ? kerberos.newServer(newCallbacks())
                        : Sasl.createSaslServer(MECHANISM, PROTOCOL, SERVER_NAME, null, newCallbacks());
            }
            SaslServer server = exchange.server;
            byte[] reply = kerberos != null ? kerberos.as(() -> server.evaluateResponse(clientToken))
                    : server.evaluateResponse(clientToken);
            if (!exchange.server.isComplete()) {
                return new Step(reply, null, null);
            }
            String id = exchange.server.getAuthorizationID();
            finish(exchange);
            LOG.info("{}: SASL ({}) authenticated as {}:{}", client, server.getMechanismName(), SCHEME, id);
            return new Step(reply, id, null);
        } catch (SaslException | RuntimeException e) {
            // RuntimeException: the JDK's mechanism reports some malformed input that way.
            finish(exchange);
            LOG.warn("{}: SASL authentication failed: {}", client, e.toString());
            if (config.allowFailedClients() && !config.required()) {
                return new Step(null, null, null);
            }
            return new Step(null, null, config.required() ? ErrorCode.SESSIONCLOSEDREQUIRESASLAUTH : ErrorCode.AUTHFAILED);
        }
    }

    private static void finish(Exchange exchange) {
        exchange.finished = true;
        if (exchange.server != null) {
            try {
                exchange.server.dispose();
            } catch (SaslException e) {
                LOG.debug("disposing a SASL server: {}", e.toString());
            }
            exchange.server = null;
        }
    }

    /**
     * The identity a SASL login gets, as ZooKeeper canonicalises it: a Kerberos-style
     * {@code primary/host@REALM} keeps its host and realm unless kerberos.removeHostFromPrincipal /
     * kerberos.removeRealmFromPrincipal say otherwise (no auth_to_local rules). A DIGEST-MD5 user
     * name is normally just {@code primary}, which stays as it is.
     */
    static String authorizedId(String authenticationId, boolean removeHost, boolean removeRealm) {
        String rest = authenticationId;
        String realm = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            realm = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        String host = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            host = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        StringBuilder id = new StringBuilder(rest);
        if (host != null && !removeHost) {
            id.append('/').append(host);
        }
        if (realm != null && !removeRealm) {
            id.append('@').append(realm);
        }
        return id.toString();
    }

    /**
     * DIGEST-MD5's questions (the user's password from the JAAS section), and the identity to
     * authorise: always the authenticated user (canonicalised), never a different authorization id
     * the client asked for, as in ZooKeeper.
     */
    private SaslServerCallbacks newCallbacks() {
        return new SaslServerCallbacks(config.users(), ac -> {
            ac.setAuthorized(true);
            ac.setAuthorizedID(authorizedId(ac.getAuthenticationID(), config.removeHostFromPrincipal(),
                    config.removeRealmFromPrincipal()));
        });
    }
}
