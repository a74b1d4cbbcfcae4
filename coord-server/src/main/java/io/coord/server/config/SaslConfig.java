package io.coord.server.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.URIParameter;
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
 * and nothing in it but the options matters for DIGEST-MD5.
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
 */
public record SaslConfig(Map<String, String> users, String section, String jaasFile, boolean required,
                         boolean allowFailedClients, boolean removeHostFromPrincipal,
                         boolean removeRealmFromPrincipal) {

    /** The JVM-wide JAAS file property ZooKeeper (and the JDK) read. */
    public static final String JAAS_PROPERTY = "java.security.auth.login.config";
    public static final String SECTION_PROPERTY = "zookeeper.sasl.serverconfig";
    public static final String DEFAULT_SECTION = "Server";
    /** The option prefix of ZooKeeper's DigestLoginModule section: {@code user_bob="secret"}. */
    static final String USER_PREFIX = "user_";

    public static final SaslConfig OFF = new SaslConfig(Map.of(), DEFAULT_SECTION, null, false, false, false, false);

    public SaslConfig {
        users = Map.copyOf(users);
        if (required && users.isEmpty()) {
            throw new ConfigException("sessionRequireClientSASLAuth", "is true but no SASL users are configured:"
                    + " no JAAS section '" + section + "' with user_<name> options"
                    + (jaasFile == null ? " (the system property " + JAAS_PROPERTY + " names no JAAS file)"
                    : " in " + jaasFile) + "; refusing to start");
        }
    }

    /** True when clients can log in with SASL. */
    public boolean enabled() {
        return !users.isEmpty();
    }

    /**
     * The SASL settings of a server from its zoo.cfg keys and the JVM's system properties (ZooKeeper
     * reads the zoo.cfg keys as the system properties {@code zookeeper.<key>}; either turns a
     * switch on). Fails closed: an unreadable JAAS file, a missing section that was asked for
     * (explicit section name, or SASL required) and a Kerberos section all refuse to start.
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
        AppConfigurationEntry[] entries = readJaas(jaas).getAppConfigurationEntry(section);
        if (entries == null || entries.length == 0) {
            if (explicitSection != null) {
                throw new ConfigException(SECTION_PROPERTY, "no JAAS section named '" + section + "' in " + jaas);
            }
            // As ZooKeeper: a JAAS file without a Server section (a client's file) means no SASL.
            return new SaslConfig(Map.of(), section, jaas, required, allowFailed, removeHost, removeRealm);
        }
        return new SaslConfig(users(entries, section, jaas), section, jaas, required, allowFailed,
                removeHost, removeRealm);
    }

    /** The user_<name> options of every entry of the section; Kerberos is refused. */
    private static Map<String, String> users(AppConfigurationEntry[] entries, String section, String jaas) {
        Map<String, String> users = new TreeMap<>();
        for (AppConfigurationEntry e : entries) {
            if (e.getLoginModuleName().endsWith("Krb5LoginModule")) {
                throw new ConfigException(JAAS_PROPERTY, "the JAAS section '" + section + "' in " + jaas + " uses "
                        + e.getLoginModuleName() + ": Kerberos (GSSAPI) is not supported by Coord, only DIGEST-MD5"
                        + " (user_<name>=\"<password>\" options); refusing to start");
            }
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
                + ", removeHost=" + removeHostFromPrincipal + ", removeRealm=" + removeRealmFromPrincipal + "]";
    }
}
