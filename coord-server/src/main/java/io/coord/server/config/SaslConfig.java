package io.coord.server.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.URIParameter;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

/**
 * Client SASL (DIGEST-MD5) as ZooKeeper configures it: the users of the JAAS {@code Server}
 * section (options {@code user_<name>="<password>"}) of the file named by the system property
 * {@value #JAAS_PROPERTY}, and the switches around it. Coord reads the section's options itself:
 * the login module ZooKeeper names there ({@code DigestLoginModule}) is not on Coord's classpath,
 * and nothing in it but the options matters for DIGEST-MD5. A section for the JDK's
 * {@code Krb5LoginModule} means Kerberos (GSSAPI) instead: the server logs in with it.
 *
 * @param users                 user name → password; empty when SASL is off (no JAAS section)
 * @param section               the JAAS section read ({@code zookeeper.sasl.serverconfig}, default "Server")
 * @param jaasFile              where the section came from, for messages; null when SASL is off
 * @param required              sessionRequireClientSASLAuth: requests of a session that did not
 *                              authenticate with SASL are refused and its connection closed
 * @param allowFailedClients    zookeeper.allowSaslFailedClients: a failed SASL login keeps its
 *                              connection (without a sasl identity) unless SASL is required
 * @param removeHostFromPrincipal  kerberos.removeHostFromPrincipal: {@code user/host} becomes {@code user}
 * @param removeRealmFromPrincipal kerberos.removeRealmFromPrincipal: {@code user@REALM} becomes {@code user}
 * @param kerberos              the JAAS file when its section logs the server in with Krb5LoginModule
 *                              (clients then log in with GSSAPI), else null
 */
public record SaslConfig(Map<String, String> users, String section, String jaasFile, boolean required,
                         boolean allowFailedClients, boolean removeHostFromPrincipal,
                         boolean removeRealmFromPrincipal, Configuration kerberos) {

    /** The JVM-wide JAAS file property ZooKeeper (and the JDK) read. */
    public static final String JAAS_PROPERTY = "java.security.auth.login.config";
    public static final String SECTION_PROPERTY = "zookeeper.sasl.serverconfig";
    public static final String DEFAULT_SECTION = "Server";
    /** The option prefix of ZooKeeper's DigestLoginModule section: {@code user_bob="secret"}. */
    static final String USER_PREFIX = "user_";

    public static final SaslConfig OFF = new SaslConfig(Map.of(), DEFAULT_SECTION, null, false, false, false, false);

    /** DIGEST-MD5 users, or none. */
    public SaslConfig(Map<String, String> users, String section, String jaasFile, boolean required,
                      boolean allowFailedClients, boolean removeHostFromPrincipal, boolean removeRealmFromPrincipal) {
        this(users, section, jaasFile, required, allowFailedClients, removeHostFromPrincipal, removeRealmFromPrincipal,
                null);
    }

    public SaslConfig {
        users = Map.copyOf(users);
        if (required && users.isEmpty() && kerberos == null) {
            throw new ConfigException("sessionRequireClientSASLAuth", "is true but no SASL users are configured:"
                    + " no JAAS section '" + section + "' with user_<name> options"
                    + (jaasFile == null ? " (the system property " + JAAS_PROPERTY + " names no JAAS file)"
                    : " in " + jaasFile) + "; refusing to start");
        }
    }

    /** True when clients can log in with SASL. */
    public boolean enabled() {
        return !users.isEmpty() || kerberos != null;
    }

    /**
     * The SASL settings of a server from its zoo.cfg keys and the JVM's system properties (ZooKeeper
     * reads the zoo.cfg keys as the system properties {@code zookeeper.<key>}; either turns a
     * switch on). Fails closed: an unreadable JAAS file and a missing section that was asked for
     * (explicit section name, or SASL required) refuse to start; a Krb5LoginModule section means
     * GSSAPI, and a server whose Kerberos login fails does not start ({@code SaslAuthenticator}).
     */
    public static SaslConfig load(Properties zooCfg, Properties system) {
        boolean required = flag(zooCfg, system, "sessionRequireClientSASLAuth");
        boolean allowFailed = flag(zooCfg, system, "allowSaslFailedClients");
        boolean removeHost = flag(zooCfg, system, "kerberos.removeHostFromPrincipal");
        boolean removeRealm = flag(zooCfg, system, "kerberos.removeRealmFromPrincipal");
        String explicitSection = firstSet(zooCfg.getProperty(SECTION_PROPERTY), system.getProperty(SECTION_PROPERTY));
        String section = explicitSection == null ? DEFAULT_SECTION : explicitSection;
        String jaas = system.getProperty(JAAS_PROPERTY);
        if (jaas == null || jaas.isBlank()) {
            if (explicitSection != null) {
                throw new ConfigException(SECTION_PROPERTY, "names the JAAS section '" + section + "' but the system"
                        + " property " + JAAS_PROPERTY + " names no JAAS file");
            }
            return new SaslConfig(Map.of(), section, null, required, allowFailed, removeHost, removeRealm);
        }
        Configuration file = readJaas(jaas);
        AppConfigurationEntry[] entries = file.getAppConfigurationEntry(section);
        if (entries == null || entries.length == 0) {
            if (explicitSection != null) {
                throw new ConfigException(SECTION_PROPERTY, "no JAAS section named '" + section + "' in " + jaas);
            }
            // As ZooKeeper: a JAAS file without a Server section (a client's file) means no SASL.
            return new SaslConfig(Map.of(), section, jaas, required, allowFailed, removeHost, removeRealm);
        }
        if (Arrays.stream(entries).anyMatch(e -> e.getLoginModuleName().endsWith("Krb5LoginModule"))) {
            // Kerberos: the section logs the server in (SaslAuthenticator, at start-up); clients use GSSAPI.
            return new SaslConfig(Map.of(), section, jaas, required, allowFailed, removeHost, removeRealm, file);
        }
        return new SaslConfig(users(entries, section, jaas), section, jaas, required, allowFailed,
                removeHost, removeRealm);
    }

    /** The user_<name> options of every entry of the section; Kerberos is refused. */
    private static Map<String, String> users(AppConfigurationEntry[] entries, String section, String jaas) {
        Map<String, String> users = new TreeMap<>();
        for (AppConfigurationEntry e : entries) {
            for (Map.Entry<String, ?> o : e.getOptions().entrySet()) {
                if (o.getKey().startsWith(USER_PREFIX) && o.getKey().length() > USER_PREFIX.length()) {
                    users.put(o.getKey().substring(USER_PREFIX.length()), String.valueOf(o.getValue()));
                }
            }
        }
        if (users.isEmpty()) {
            throw new ConfigException(JAAS_PROPERTY, "the JAAS section '" + section + "' in " + jaas + " has no"
                    + " user_<name>=\"<password>\" option: no client could log in; refusing to start");
        }
        return users;
    }

    /**
     * Parses the file the JDK would read (a leading '=' — "use only this file" — is dropped) on its
     * own, rather than through the JVM-wide {@code Configuration.getConfiguration()}, which is
     * read once per JVM and would miss a file named after that (embedded servers, tests).
     */
    static Configuration readJaas(String jaas) {
        String name = jaas.startsWith("=") ? jaas.substring(1) : jaas;
        URI uri = name.contains(":/") ? URI.create(name) : Path.of(name).toAbsolutePath().toUri();
        if ("file".equals(uri.getScheme()) && !Files.isReadable(Path.of(uri))) {
            throw new ConfigException(JAAS_PROPERTY, "cannot read the JAAS file " + name);
        }
        try {
            return Configuration.getInstance("JavaLoginConfig", new URIParameter(uri));
        } catch (NoSuchAlgorithmException | SecurityException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ConfigException(JAAS_PROPERTY, "cannot parse the JAAS file " + name + ": " + cause.getMessage());
        }
    }

    /** zoo.cfg {@code key} or {@code zookeeper.key}, or the system property {@code zookeeper.key}. */
    private static boolean flag(Properties zooCfg, Properties system, String key) {
        String full = "zookeeper." + key;
        boolean on = false;
        for (String[] source : new String[][] {{key, zooCfg.getProperty(key)}, {full, zooCfg.getProperty(full)},
                {full, system.getProperty(full)}}) {
            if (source[1] != null) {
                on |= ConfigValues.parseBool(source[0], source[1]);
            }
        }
        return on;
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        // Never the passwords.
        return "SaslConfig[users=" + users.keySet() + ", section=" + section + ", jaasFile=" + jaasFile
                + ", required=" + required + ", allowFailedClients=" + allowFailedClients
                + ", removeHost=" + removeHostFromPrincipal + ", removeRealm=" + removeRealmFromPrincipal
                + ", kerberos=" + (kerberos != null) + "]";
    }
}
