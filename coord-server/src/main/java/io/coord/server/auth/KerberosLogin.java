package io.coord.server.auth;

import io.coord.server.config.ConfigException;
import io.coord.server.config.SaslConfig;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Set;
import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;

/**
 * The server's Kerberos login for client SASL with GSSAPI: the JAAS {@code Server} section's
 * {@code Krb5LoginModule} (normally {@code useKeyTab=true keyTab=... storeKey=true
 * principal="zookeeper/host@REALM"}) is run once at start-up through the JDK's own login module,
 * and each connection's GSSAPI {@link SaslServer} acts as that principal — service {@code zookeeper},
 * host {@code host}, as ZooKeeper derives them from its principal.
 */
final class KerberosLogin {
    private final Subject subject;
    private final String service;
    private final String host;

    private KerberosLogin(Subject subject, String service, String host) {
        this.subject = subject;
        this.service = service;
        this.host = host;
    }

    /** Logs in with {@code config}'s Kerberos section; a login that fails refuses to start naming the JAAS file. */
    static KerberosLogin login(SaslConfig config) {
        CallbackHandler noPrompts = callbacks -> {
            throw new UnsupportedCallbackException(callbacks[0], "a server's Kerberos login takes no prompts: use a keytab");
        };
        Subject subject;
        try {
            LoginContext login = new LoginContext(config.section(), new Subject(), noPrompts, config.kerberos());
            login.login();
            subject = login.getSubject();
        } catch (LoginException | SecurityException e) {
            throw new ConfigException(SaslConfig.JAAS_PROPERTY, "the Kerberos login of the JAAS section '"
                    + config.section() + "' in " + config.jaasFile() + " failed: " + e.getMessage());
        }
        Set<KerberosPrincipal> principals = subject.getPrincipals(KerberosPrincipal.class);
        if (principals.isEmpty()) {
            throw new ConfigException(SaslConfig.JAAS_PROPERTY, "the Kerberos login of the JAAS section '"
                    + config.section() + "' in " + config.jaasFile() + " gave no Kerberos principal");
        }
        String name = principals.iterator().next().getName();
        int at = name.indexOf('@');
        String withoutRealm = at < 0 ? name : name.substring(0, at);
        int slash = withoutRealm.indexOf('/');
        if (slash <= 0) {
            throw new ConfigException(SaslConfig.JAAS_PROPERTY, "the Kerberos principal " + name + " of the JAAS"
                    + " section '" + config.section() + "' is not of the form service/host@REALM");
        }
        return new KerberosLogin(subject, withoutRealm.substring(0, slash), withoutRealm.substring(slash + 1));
    }

    /** A GSSAPI server for one connection, acting as the logged-in principal. */
    SaslServer newServer(CallbackHandler handler) throws SaslException {
        SaslServer server = as(() -> Sasl.createSaslServer("GSSAPI", service, host, null, handler));
        if (server == null) {
            throw new SaslException("the JDK offers no GSSAPI server");
        }
        return server;
    }

    /** Runs {@code action} as the logged-in principal (GSS needs its credentials in the access context). */
    <T> T as(PrivilegedExceptionAction<T> action) throws SaslException {
        try {
            return Subject.doAs(subject, action);
        } catch (PrivilegedActionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SaslException se) {
                throw se;
            }
            throw new SaslException("GSSAPI failed: " + cause, cause);
        }
    }
}
