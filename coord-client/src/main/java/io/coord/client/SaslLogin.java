package io.coord.client;

import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.RealmChoiceCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;

/**
 * One connection's DIGEST-MD5 login (op 102), as the stock client does it: protocol
 * {@code zookeeper}, server name {@code zk-sasl-md5}, the user name also as the authorization id;
 * an empty first token, then one answer per server challenge until the mechanism is complete.
 * Confined to the client's event loop; a new one for every connection.
 */
final class SaslLogin {
    static final String MECHANISM = "DIGEST-MD5";
    private final SaslClient client;

    SaslLogin(String user, char[] password) throws SaslException {
        client = Sasl.createSaslClient(new String[] {MECHANISM}, user, "zookeeper", "zk-sasl-md5", Map.of(),
                callbacks -> answer(callbacks, user, password));
        if (client == null) {
            throw new SaslException(MECHANISM + " is not available in this JVM");
        }
    }

    private static void answer(Callback[] callbacks, String user, char[] password) throws UnsupportedCallbackException {
        for (Callback cb : callbacks) {
            if (cb instanceof NameCallback nc) {
                nc.setName(user);
            } else if (cb instanceof PasswordCallback pc) {
                pc.setPassword(password.clone());
            } else if (cb instanceof RealmCallback rc) {
                rc.setText(rc.getDefaultText());
            } else if (cb instanceof RealmChoiceCallback rcc) {
                rcc.setSelectedIndex(0);
            } else if (cb instanceof AuthorizeCallback ac) {
                ac.setAuthorized(ac.getAuthenticationID().equals(ac.getAuthorizationID()));
            } else {
                throw new UnsupportedCallbackException(cb);
            }
        }
    }

    /** The first token: empty, as DIGEST-MD5 has no initial response. */
    byte[] firstToken() throws SaslException {
        return client.hasInitialResponse() ? client.evaluateChallenge(new byte[0]) : new byte[0];
    }

    /**
     * The answer to a server token, or null when the login is complete and nothing more is sent.
     * A null server token (a server without SASL) fails: DIGEST-MD5 always has a challenge.
     */
    byte[] next(byte[] serverToken) throws SaslException {
        if (serverToken == null) {
            throw new SaslException("the server sent no SASL challenge (is SASL configured on it?)");
        }
        byte[] answer = client.evaluateChallenge(serverToken);
        return client.isComplete() ? null : answer == null ? new byte[0] : answer;
    }

    boolean isComplete() {
        return client.isComplete();
    }

    void dispose() {
        try {
            client.dispose();
        } catch (SaslException e) {
            // Nothing held that needs it.
        }
    }
}
