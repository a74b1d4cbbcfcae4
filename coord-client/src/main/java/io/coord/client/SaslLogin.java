package io.coord.client;

import io.coord.wire.ErrorCode;
import io.coord.wire.SetSASLResponse;
import java.util.Map;
import java.util.function.Consumer;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's DIGEST-MD5 login (op 102), as the stock client does it: protocol
 * {@code zookeeper}, server name {@code zk-sasl-md5}, the user name also as the authorization id;
 * an empty first token, then one answer per server token until the mechanism is complete (it
 * checks the server's final {@code rspauth}). Confined to the client's event loop; a new one for
 * every connection.
 */
final class SaslLogin {
    private static final Logger LOG = LoggerFactory.getLogger(SaslLogin.class);
    static final String MECHANISM = "DIGEST-MD5";

    /** What the login needs from the session: sending a sasl request, and hearing how it ended. */
    interface Link {
        void send(byte[] token, Consumer<Call.Reply> onReply);

        /** @param failure null when the login succeeded, else why it failed */
        void ended(String failure);
    }

    private final String user;
    private final char[] password;
    private final Link link;
    private SaslClient client;
    private boolean over;

    SaslLogin(String user, char[] password, Link link) {
        this.user = user;
        this.password = password;
        this.link = link;
    }

    void start() {
        try {
            client = Sasl.createSaslClient(new String[] {MECHANISM}, user, "zookeeper", "zk-sasl-md5", Map.of(),
                    this::answer);
            if (client == null) {
                throw new SaslException(MECHANISM + " is not available in this JVM");
            }
            link.send(client.hasInitialResponse() ? client.evaluateChallenge(new byte[0]) : new byte[0], this::onReply);
        } catch (SaslException e) {
            end(MECHANISM + ": " + e.getMessage());
        }
    }

    /**
     * A server reply: an error code ends the login; otherwise its token is answered, or, once the
     * mechanism is complete, the login succeeded. A null token (a server without SASL) fails:
     * DIGEST-MD5 always has a challenge.
     */
    private void onReply(Call.Reply reply) {
        if (over) {
            return;
        }
        if (reply.header().err() != 0) {
            end("the server answered " + ErrorCode.of(reply.header().err()));
            return;
        }
        byte[] token = ((SetSASLResponse) reply.body()).token();
        try {
            if (token == null) {
                throw new SaslException("the server sent no SASL challenge (is SASL configured on it?)");
            }
            byte[] answer = client.evaluateChallenge(token);
            if (client.isComplete()) {
                end(null);
            } else {
                link.send(answer == null ? new byte[0] : answer, this::onReply);
            }
        } catch (SaslException e) {
            end(MECHANISM + ": " + e.getMessage());
        }
    }

    private void end(String failure) {
        dispose();
        if (failure == null) {
            LOG.info("SASL login as {} complete", user);
        } else {
            LOG.error("SASL login as {} failed ({}); closing the client", user, failure);
        }
        link.ended(failure);
    }

    /** The connection is gone (or the login ended): later replies are ignored. */
    void dispose() {
        over = true;
        if (client != null) {
            try {
                client.dispose();
            } catch (SaslException e) {
                // Nothing held that needs it.
            }
        }
    }

    private void answer(Callback[] callbacks) throws UnsupportedCallbackException {
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
}
