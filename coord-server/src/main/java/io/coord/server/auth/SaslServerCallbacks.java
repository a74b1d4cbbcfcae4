package io.coord.server.auth;

import java.util.Map;
import java.util.function.Consumer;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;

/**
 * The SASL server's answers to DIGEST-MD5 (and GSSAPI, which asks only to authorise) for both the
 * client port ({@link SaslAuthenticator}) and member links ({@code quorum.QuorumSasl}): the
 * password of the user the client names (none for an unknown user: the mechanism then fails the
 * login) and the realm it offered. Only the authorisation differs between them, so it is the
 * caller's {@code authorize} step. One instance per exchange: it remembers the name it was told.
 */
public final class SaslServerCallbacks implements CallbackHandler {
    private final Map<String, String> users;
    private final Consumer<AuthorizeCallback> authorize;
    private String userName;

    /** users: name → password; authorize: decides (and may set) the authorised identity. */
    public SaslServerCallbacks(Map<String, String> users, Consumer<AuthorizeCallback> authorize) {
        this.users = users;
        this.authorize = authorize;
    }

    @Override
    public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
        for (Callback cb : callbacks) {
            if (cb instanceof NameCallback nc) {
                userName = nc.getDefaultName();
            } else if (cb instanceof PasswordCallback pc) {
                String password = userName == null ? null : users.get(userName);
                if (password != null) {
                    pc.setPassword(password.toCharArray());
                }
            } else if (cb instanceof RealmCallback rc) {
                rc.setText(rc.getDefaultText());
            } else if (cb instanceof AuthorizeCallback ac) {
                authorize.accept(ac);
            } else {
                throw new UnsupportedCallbackException(cb, "not a SASL server callback");
            }
        }
    }
}
