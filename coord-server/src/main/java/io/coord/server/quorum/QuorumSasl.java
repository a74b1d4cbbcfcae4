package io.coord.server.quorum;

import io.coord.server.auth.SaslServerCallbacks;
import io.coord.server.config.QuorumSaslConfig;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;

/**
 * The DIGEST-MD5 mechanisms of member-link logins (JDK {@code javax.security.sasl}), with the
 * protocol and server names ZooKeeper's quorum uses. The dialing member is the SASL client with its
 * {@code QuorumLearner} credentials; the accepting member the SASL server with its
 * {@code QuorumServer} users. DIGEST-MD5 is mutual: the server's last token proves that it knows
 * the password too, so a member with a wrong password fails whichever end it is.
 */
final class QuorumSasl {
    static final String MECHANISM = "DIGEST-MD5";
    static final String PROTOCOL = "zookeeper-quorum";
    static final String SERVER_NAME = "zk-quorum-sasl-md5";

    private final QuorumSaslConfig config;

    private QuorumSasl(QuorumSaslConfig config) {
        this.config = config;
    }

    /** Null when quorum SASL is off (quorum.auth.enableSasl false or no config). */
    static QuorumSasl of(QuorumSaslConfig config) {
        return config == null || !config.enabled() ? null : new QuorumSasl(config);
    }

    QuorumSaslConfig config() {
        return config;
    }

    /** True when this member logs in on the links it dials (quorum.auth.learnerRequireSasl). */
    boolean learnerLogsIn() {
        return config.learnerLogsIn();
    }

    /** True when learners that do not log in are refused (quorum.auth.serverRequireSasl). */
    boolean serverRequiresLogin() {
        return config.serverRequired();
    }

    SaslClient newClient() throws SaslException {
        SaslClient client = Sasl.createSaslClient(new String[] {MECHANISM}, null, PROTOCOL, SERVER_NAME, null,
                this::answerClient);
        if (client == null) {
            throw new SaslException("the JDK offers no " + MECHANISM + " client");
        }
        return client;
    }

    SaslServer newServer() throws SaslException {
        SaslServer server = Sasl.createSaslServer(MECHANISM, PROTOCOL, SERVER_NAME, null,
                // A learner is authorised only as the user it logged in as.
                new SaslServerCallbacks(config.serverUsers(),
                        ac -> ac.setAuthorized(ac.getAuthenticationID().equals(ac.getAuthorizationID()))));
        if (server == null) {
            throw new SaslException("the JDK offers no " + MECHANISM + " server");
        }
        return server;
    }

    /** The learner's user name and password from its JAAS section; the realm the server offered. */
    private void answerClient(Callback[] callbacks) throws UnsupportedCallbackException {
        for (Callback cb : callbacks) {
            if (cb instanceof NameCallback nc) {
                nc.setName(config.learnerUser());
            } else if (cb instanceof PasswordCallback pc) {
                pc.setPassword(config.learnerPassword().toCharArray());
            } else if (cb instanceof RealmCallback rc) {
                rc.setText(rc.getDefaultText());
            } else {
                throw new UnsupportedCallbackException(cb, "not a DIGEST-MD5 client callback");
            }
        }
    }
}
