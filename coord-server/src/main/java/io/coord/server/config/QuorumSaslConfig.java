package io.coord.server.config;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.security.auth.login.AppConfigurationEntry;

/**
 * SASL (DIGEST-MD5) between ensemble members, with ZooKeeper's zoo.cfg keys and JAAS sections. The
 * member that dials a link is its learner (it logs in with the {@code QuorumLearner} section's
 * {@code username}/{@code password}), the member that accepts it is its server (it checks them
 * against the {@code QuorumServer} section's {@code user_<name>="<password>"} options). As in
 * ZooKeeper, the three switches stage a rolling upgrade: {@code enableSasl} alone changes nothing
 * on the wire (members load their credentials and accept learners that log in and those that do
 * not); {@code learnerRequireSasl} makes this member log in on every link it dials and drop a link
 * whose server does not confirm the login; {@code serverRequireSasl} makes it refuse every learner
 * that does not log in successfully.
 *
 * @param enabled           quorum.auth.enableSasl
 * @param learnerRequired   quorum.auth.learnerRequireSasl
 * @param serverRequired    quorum.auth.serverRequireSasl
 * @param learnerSection    quorum.auth.learner.saslLoginContext (default QuorumLearner)
 * @param serverSection     quorum.auth.server.saslLoginContext (default QuorumServer)
 * @param learnerUser       the learner section's {@code username}; null when SASL is off
 * @param learnerPassword   the learner section's {@code password}; null when SASL is off
 * @param serverUsers       the server section's users (name → password); empty when SASL is off
 * @param jaasFile          where the sections came from, for messages; null when SASL is off
 * @param servicePrincipal  quorum.auth.kerberos.servicePrincipal: used by Kerberos only, which the
 *                          quorum does not do (DIGEST-MD5 ignores it, as in ZooKeeper)
 * @param cnxnThreads       quorum.cnxn.threads.size: checked, otherwise without effect (ZooKeeper's
 *                          pool of blocking handshake threads; Coord's handshakes never block)
 */
public record QuorumSaslConfig(boolean enabled, boolean learnerRequired, boolean serverRequired,
                               String learnerSection, String serverSection, String learnerUser,
                               String learnerPassword, Map<String, String> serverUsers, String jaasFile,
                               String servicePrincipal, int cnxnThreads) {

    public static final String ENABLE = "quorum.auth.enableSasl";
    public static final String LEARNER_REQUIRE = "quorum.auth.learnerRequireSasl";
    public static final String SERVER_REQUIRE = "quorum.auth.serverRequireSasl";
    public static final String LEARNER_CONTEXT = "quorum.auth.learner.saslLoginContext";
    public static final String SERVER_CONTEXT = "quorum.auth.server.saslLoginContext";
    public static final String SERVICE_PRINCIPAL = "quorum.auth.kerberos.servicePrincipal";
    public static final String CNXN_THREADS = "quorum.cnxn.threads.size";
    /** Every key this record reads (the ConfigKeys table honours them). */
    public static final String[] KEYS = {ENABLE, LEARNER_REQUIRE, SERVER_REQUIRE, LEARNER_CONTEXT, SERVER_CONTEXT,
        SERVICE_PRINCIPAL, CNXN_THREADS};
    static final String DEFAULT_LEARNER_SECTION = "QuorumLearner";
    static final String DEFAULT_SERVER_SECTION = "QuorumServer";
    static final String DEFAULT_SERVICE_PRINCIPAL = "zkquorum/localhost";
    static final int DEFAULT_CNXN_THREADS = 20;

    public static final QuorumSaslConfig OFF = new QuorumSaslConfig(false, false, false, DEFAULT_LEARNER_SECTION,
            DEFAULT_SERVER_SECTION, null, null, Map.of(), null, DEFAULT_SERVICE_PRINCIPAL, DEFAULT_CNXN_THREADS);

    public QuorumSaslConfig {
        serverUsers = Map.copyOf(serverUsers);
        // ZooKeeper refuses the same combinations (QuorumPeerConfig); fail closed, naming the key.
        if (!enabled && serverRequired) {
            throw new ConfigException(SERVER_REQUIRE, "is true but " + ENABLE + " is not: no member could log in");
        }
        if (!enabled && learnerRequired) {
            throw new ConfigException(LEARNER_REQUIRE, "is true but " + ENABLE + " is not: this member has no"
                    + " credentials to log in with");
        }
        if (serverRequired && !learnerRequired) {
            throw new ConfigException(SERVER_REQUIRE, "is true but " + LEARNER_REQUIRE + " is not: this member"
                    + " would refuse members that do not log in while not logging in itself");
        }
        if (enabled && (learnerUser == null || learnerPassword == null || serverUsers.isEmpty())) {
            throw new ConfigException(ENABLE, "is true but the learner credentials or server users are missing");
        }
        if (cnxnThreads <= 0) {
            throw new ConfigException(CNXN_THREADS, "must be > 0, was " + cnxnThreads);
        }
    }

    /** True when this member logs in on the links it dials. */
    public boolean learnerLogsIn() {
        return enabled && learnerRequired;
    }

    /**
     * Quorum SASL from zoo.cfg, with the JAAS file named by the system property
     * {@value SaslConfig#JAAS_PROPERTY} in {@code system}. With enableSasl, fails closed: no JAAS
     * file, a missing section, a section without credentials, or a Kerberos section refuse to start
     * naming the key that asked for them.
     */
    public static QuorumSaslConfig load(Properties zooCfg, Properties system) {
        boolean enabled = bool(zooCfg, ENABLE);
        boolean learnerRequired = bool(zooCfg, LEARNER_REQUIRE);
        boolean serverRequired = bool(zooCfg, SERVER_REQUIRE);
        String learnerSection = text(zooCfg, LEARNER_CONTEXT, DEFAULT_LEARNER_SECTION);
        String serverSection = text(zooCfg, SERVER_CONTEXT, DEFAULT_SERVER_SECTION);
        String principal = text(zooCfg, SERVICE_PRINCIPAL, DEFAULT_SERVICE_PRINCIPAL);
        String threads = zooCfg.getProperty(CNXN_THREADS);
        int cnxnThreads = threads == null ? DEFAULT_CNXN_THREADS : ConfigValues.parseInt(CNXN_THREADS, threads);
        if (!enabled) {
            return new QuorumSaslConfig(false, learnerRequired, serverRequired, learnerSection, serverSection, null,
                    null, Map.of(), null, principal, cnxnThreads);
        }
        String jaas = system.getProperty(SaslConfig.JAAS_PROPERTY);
        if (jaas == null || jaas.isBlank()) {
            throw new ConfigException(ENABLE, "is true but the system property " + SaslConfig.JAAS_PROPERTY
                    + " names no JAAS file (it needs the sections '" + serverSection + "' and '" + learnerSection
                    + "'); refusing to start");
        }
        javax.security.auth.login.Configuration file = SaslConfig.readJaas(jaas);
        Map<String, String> users = new TreeMap<>();
        for (AppConfigurationEntry e : section(file, serverSection, SERVER_CONTEXT, jaas)) {
            for (Map.Entry<String, ?> o : e.getOptions().entrySet()) {
                String name = o.getKey();
                if (name.startsWith(SaslConfig.USER_PREFIX) && name.length() > SaslConfig.USER_PREFIX.length()) {
                    users.put(name.substring(SaslConfig.USER_PREFIX.length()), String.valueOf(o.getValue()));
                }
            }
        }
        if (users.isEmpty()) {
            throw new ConfigException(SERVER_CONTEXT, "the JAAS section '" + serverSection + "' in " + jaas
                    + " has no user_<name>=\"<password>\" option: no member could log in; refusing to start");
        }
        String user = null;
        String password = null;
        for (AppConfigurationEntry e : section(file, learnerSection, LEARNER_CONTEXT, jaas)) {
            user = user != null ? user : (String) e.getOptions().get("username");
            password = password != null ? password : (String) e.getOptions().get("password");
        }
        if (user == null || password == null) {
            throw new ConfigException(LEARNER_CONTEXT, "the JAAS section '" + learnerSection + "' in " + jaas
                    + " needs the options username and password; refusing to start");
        }
        return new QuorumSaslConfig(true, learnerRequired, serverRequired, learnerSection, serverSection, user,
                password, users, jaas, principal, cnxnThreads);
    }

    private static AppConfigurationEntry[] section(javax.security.auth.login.Configuration file, String name,
                                                   String key, String jaas) {
        AppConfigurationEntry[] entries = file.getAppConfigurationEntry(name);
        if (entries == null || entries.length == 0) {
            throw new ConfigException(key, "no JAAS section named '" + name + "' in " + jaas + " (" + ENABLE
                    + " is true); refusing to start");
        }
        for (AppConfigurationEntry e : entries) {
            if (e.getLoginModuleName().endsWith("Krb5LoginModule")) {
                throw new ConfigException(key, "the JAAS section '" + name + "' in " + jaas + " uses "
                        + e.getLoginModuleName() + ": Kerberos (GSSAPI) between members is not supported by Coord,"
                        + " only DIGEST-MD5; refusing to start");
            }
        }
        return entries;
    }

    private static boolean bool(Properties zooCfg, String key) {
        String v = zooCfg.getProperty(key);
        return v != null && ConfigValues.parseBool(key, v);
    }

    private static String text(Properties zooCfg, String key, String fallback) {
        String v = zooCfg.getProperty(key);
        if (v == null) {
            return fallback;
        }
        if (v.isBlank()) {
            throw new ConfigException(key, "is empty");
        }
        return v.trim();
    }

    @Override
    public String toString() {
        // Never the passwords.
        return "QuorumSaslConfig[enabled=" + enabled + ", learnerRequired=" + learnerRequired + ", serverRequired="
                + serverRequired + ", learnerSection=" + learnerSection + ", serverSection=" + serverSection
                + ", learnerUser=" + learnerUser + ", serverUsers=" + serverUsers.keySet() + ", jaasFile=" + jaasFile
                + "]";
    }
}
