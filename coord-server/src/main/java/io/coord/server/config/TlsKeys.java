package io.coord.server.config;

import io.coord.server.config.TlsConfig.ClientAuth;
import io.coord.server.config.TlsConfig.Store;
import io.coord.tls.KeyStores;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.util.Collections;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * The client-port TLS keys, with ZooKeeper's names: each {@code ssl.*} and {@code client.*} key may
 * also be written as its system-property spelling {@code zookeeper.ssl.*}, {@code zookeeper.client.*}
 * (the bare key wins when both are given).
 * {@link #parseQuorum} reads member-link TLS ({@code sslQuorum}, {@code ssl.quorum.*}) the same way.
 */
final class TlsKeys {
    static final String ALIAS_PREFIX = "zookeeper.";

    /** Keys read here (ConfigKeys marks them honoured), plus each ssl.* key's zookeeper. spelling. */
    static final List<String> HONOURED;

    /** TLS keys accepted only at ZooKeeper's default: key → lower-case accepted values. */
    static final Map<String, List<String>> DEFAULT_ONLY = Map.of(
            "ssl.authProvider", List.of("x509"),
            "ssl.handshakeDetectionTimeoutMillis", List.of("5000"),
            "ssl.sslProvider", List.of("jdk"),
            "ssl.allowReverseDnsLookup", List.of("false"));

    private static final List<String> SSL_KEYS = List.of("ssl.keyStore.location", "ssl.keyStore.password",
            "ssl.keyStore.passwordPath", "ssl.keyStore.type", "ssl.trustStore.location", "ssl.trustStore.password",
            "ssl.trustStore.passwordPath", "ssl.trustStore.type", "ssl.clientAuth", "ssl.protocol",
            "ssl.enabledProtocols", "ssl.ciphersuites", "ssl.hostnameVerification", "ssl.clientHostnameVerification",
            "ssl.crl", "ssl.ocsp");

    /** Quorum TLS keys read here (with sslQuorum=true; the stores, protocols and ciphers also for admin HTTPS). */
    private static final List<String> QUORUM_KEYS = List.of("ssl.quorum.keyStore.location",
            "ssl.quorum.keyStore.password", "ssl.quorum.keyStore.passwordPath", "ssl.quorum.keyStore.type",
            "ssl.quorum.trustStore.location", "ssl.quorum.trustStore.password", "ssl.quorum.trustStore.passwordPath",
            "ssl.quorum.trustStore.type", "ssl.quorum.clientAuth", "ssl.quorum.protocol", "ssl.quorum.enabledProtocols",
            "ssl.quorum.ciphersuites", "ssl.quorum.hostnameVerification", "ssl.quorum.crl", "ssl.quorum.ocsp");

    /** Quorum TLS keys that only member links use: refused without sslQuorum even when admin HTTPS is on. */
    private static final List<String> QUORUM_LINK_ONLY_KEYS = List.of("ssl.quorum.clientAuth",
            "ssl.quorum.hostnameVerification");

    /** Client-port TLS switches that, like ssl.*, also have a zookeeper. system-property spelling. */
    private static final List<String> CLIENT_KEYS = List.of("client.portUnification", "client.certReload");

    static {
        List<String> all = new ArrayList<>(List.of("secureClientPort", "secureClientPortAddress"));
        all.add("sslQuorum");
        all.add(ALIAS_PREFIX + "sslQuorum");
        all.add("sslQuorumReloadCertFiles");
        all.add("portUnification");
        for (String k : concat(concat(SSL_KEYS, CLIENT_KEYS), QUORUM_KEYS)) {
            all.add(k);
            all.add(ALIAS_PREFIX + k);
        }
        HONOURED = List.copyOf(all);
    }

    private TlsKeys() {
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The TLS settings in {@code props}; {@link TlsConfig#OFF} when no port speaks TLS. */
    static TlsConfig parse(Properties props, Consumer<String> warnings) {
        InetSocketAddress secure = secureAddress(props);
        boolean unification = ConfigValues.parseBool("client.portUnification",
                orDefault(props, "client.portUnification", "false"));
        if (secure == null && !unification) {
            if (SSL_KEYS.stream().anyMatch(k -> get(props, k) != null)) {
                warnings.accept("ssl.* keys are set but neither secureClientPort nor client.portUnification is:"
                        + " the client port serves plaintext only");
            }
            return TlsConfig.OFF;
        }
        Store keyStore = store(props, "ssl.keyStore", true);
        Store trustStore = store(props, "ssl.trustStore", false);
        return new TlsConfig(secure, unification, keyStore, trustStore, clientAuth(props, "ssl."),
                protocols(props, "ssl."), list(get(props, "ssl.ciphersuites")),
                ConfigValues.parseBool("ssl.hostnameVerification", orDefault(props, "ssl.hostnameVerification", "true")),
                ConfigValues.parseBool("client.certReload", orDefault(props, "client.certReload", "true")),
                bool(props, "ssl.crl", "false"), bool(props, "ssl.ocsp", "false"), true);
    }

    private static boolean bool(Properties props, String key, String def) {
        return ConfigValues.parseBool(key, orDefault(props, key, def));
    }

    /**
     * TLS between ensemble members ({@code sslQuorum=true} with {@code ssl.quorum.*}), or null: off.
     * Every link is mutual TLS unless ssl.quorum.clientAuth says otherwise; the dialing member checks
     * the other's certificate against the host of its server.N line (ssl.quorum.hostnameVerification).
     * {@code portUnification=true} (ZooKeeper's rolling upgrade to TLS) makes the quorum port take
     * plaintext members too; with sslQuorum false this member still dials in plaintext but accepts TLS
     * members, so it needs the ssl.quorum stores as well. {@code sslQuorumReloadCertFiles=true}: new
     * links use the stores' current files. With {@code adminHttps} (the AdminServer serves HTTPS with
     * the quorum keys) the store, protocol and cipher keys are in use without sslQuorum; the link-only
     * keys are still refused then.
     */
    static TlsConfig parseQuorum(Properties props, boolean adminHttps) {
        boolean sslQuorum = bool(props, "sslQuorum", "false");
        boolean unification = ConfigValues.parseBool("portUnification", props.getProperty("portUnification", "false"));
        if (!sslQuorum && !unification) {
            List<String> unused = adminHttps ? QUORUM_LINK_ONLY_KEYS : QUORUM_KEYS;
            for (String k : unused) {
                if (get(props, k) != null) {
                    throw new ConfigException(adminHttps ? k : "sslQuorum", "ssl.quorum.* keys are set but sslQuorum"
                            + " is not true" + (adminHttps ? " (" + k + " is about member links only)" : "")
                            + "; refusing rather than running member links in clear text");
                }
            }
            return null;
        }
        return new TlsConfig(null, unification, store(props, "ssl.quorum.keyStore", true),
                store(props, "ssl.quorum.trustStore", false), clientAuth(props, "ssl.quorum."),
                protocols(props, "ssl.quorum."), list(get(props, "ssl.quorum.ciphersuites")),
                bool(props, "ssl.quorum.hostnameVerification", "true"),
                ConfigValues.parseBool("sslQuorumReloadCertFiles",
                        props.getProperty("sslQuorumReloadCertFiles", "false")),
                bool(props, "ssl.quorum.crl", "false"), bool(props, "ssl.quorum.ocsp", "false"), sslQuorum);
    }

    /**
     * The AdminServer's HTTPS keys: ZooKeeper serves admin HTTPS with the quorum key and trust
     * stores, protocols and cipher suites. Client certificates are asked for by admin.needClientAuth,
     * not ssl.quorum.clientAuth, so the result says NONE; the caller decides.
     */
    static TlsConfig parseAdminKeys(Properties props) {
        return new TlsConfig(null, false, store(props, "ssl.quorum.keyStore", true),
                store(props, "ssl.quorum.trustStore", false), ClientAuth.NONE, protocols(props, "ssl.quorum."),
                list(get(props, "ssl.quorum.ciphersuites")), false, false, bool(props, "ssl.quorum.crl", "false"),
                bool(props, "ssl.quorum.ocsp", "false"), true);
    }

    /**
     * Prometheus over HTTPS ({@code metricsProvider.httpsPort} with {@code metricsProvider.ssl.*}, the
     * keys ZooKeeper's Prometheus provider documents). As there, scrapers must present a certificate
     * unless need.client.auth (and want.client.auth) say otherwise; a required client certificate
     * needs a trust store to check it against (fail closed: refused at start-up without one).
     */
    static TlsConfig parseMetricsKeys(Properties props) {
        String p = "metricsProvider.ssl.";
        boolean need = ConfigValues.parseBool(p + "need.client.auth", orDefault(props, p + "need.client.auth", "true"));
        boolean want = ConfigValues.parseBool(p + "want.client.auth", orDefault(props, p + "want.client.auth", "true"));
        Store keys = store(props, p + "keyStore", true);
        Store trust = store(props, p + "trustStore", false);
        if (need && trust == null) {
            throw new ConfigException(p + "trustStore.location", "is required when " + p + "need.client.auth is true"
                    + " (ZooKeeper's default): scrapers' certificates are checked against it; set " + p
                    + "need.client.auth=false and " + p + "want.client.auth=false to serve HTTPS without them");
        }
        ClientAuth auth = need ? ClientAuth.NEED : want ? ClientAuth.WANT : ClientAuth.NONE;
        List<String> protocols = list(get(props, p + "enabledProtocols"));
        return new TlsConfig(null, false, keys, trust, auth,
                protocols.isEmpty() ? List.of("TLSv1.3", "TLSv1.2") : protocols, list(get(props, p + "ciphersuites")),
                false, false);
    }

    /** {@code key}'s value, or its zookeeper.-prefixed spelling's; null when neither is set. */
    static String get(Properties props, String key) {
        String v = props.getProperty(key);
        if (v == null) {
            v = props.getProperty(ALIAS_PREFIX + key);
        }
        return v == null ? null : v.trim();
    }

    private static String orDefault(Properties props, String key, String def) {
        String v = get(props, key);
        return v == null || v.isEmpty() ? def : v;
    }

    /** secureClientPort(+Address); 0 or absent means no secure port, as in ZooKeeper. */
    private static InetSocketAddress secureAddress(Properties props) {
        String portText = props.getProperty("secureClientPort");
        String host = props.getProperty("secureClientPortAddress");
        int port = portText == null ? 0 : ConfigValues.parseInt("secureClientPort", portText);
        if (port < 0 || port > 65535) {
            throw new ConfigException("secureClientPort", "must be 0..65535, was " + port);
        }
        if (port == 0) {
            if (host != null) {
                throw new ConfigException("secureClientPortAddress", "is set but secureClientPort is not");
            }
            return null;
        }
        return host == null ? new InetSocketAddress(port) : new InetSocketAddress(host.trim(), port);
    }

    private static Store store(Properties props, String prefix, boolean required) {
        String location = get(props, prefix + ".location");
        if (location == null || location.isEmpty()) {
            if (required) {
                throw new ConfigException(prefix + ".location", "is required when " + (prefix.startsWith("metrics")
                        ? "metricsProvider.httpsPort is set (an HTTPS port needs the server's key and certificate)"
                        : prefix.contains("quorum")
                        ? "sslQuorum, admin.forceHttps or admin.portUnification is true (each member, and an HTTPS"
                        + " AdminServer, needs its key and certificate)"
                        : "secureClientPort or client.portUnification is set (a TLS port needs the server's key"
                        + " and certificate)"));
            }
            return null;
        }
        Path file = Path.of(location);
        if (!Files.isReadable(file)) {
            throw new ConfigException(prefix + ".location", "cannot read '" + location + "'");
        }
        String type;
        try {
            type = KeyStores.resolveType(file, get(props, prefix + ".type"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(prefix + ".type", e.getMessage());
        }
        Store store = new Store(prefix, file, password(props, prefix), type);
        checkLoads(store, required);
        return store;
    }

    /**
     * Fails closed at start-up: the store must open with its password and, for the key store, hold
     * a private key (else a TLS port would have nothing to offer and every handshake would fail).
     */
    private static void checkLoads(Store store, boolean needsKey) {
        KeyStore ks;
        try {
            ks = KeyStores.load(store.location(), store.password(), store.type());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            String key = why.toLowerCase(Locale.ROOT).contains("password") ? store.keyPrefix() + ".password"
                    : store.keyPrefix() + ".location";
            throw new ConfigException(key, "cannot load " + store.type() + " store '" + store.location() + "': " + why);
        }
        try {
            boolean hasKey = false;
            boolean hasCert = false;
            for (String alias : Collections.list(ks.aliases())) {
                hasKey |= ks.isKeyEntry(alias);
                hasCert |= ks.getCertificate(alias) != null;
            }
            if (needsKey && !hasKey) {
                throw new ConfigException(store.keyPrefix() + ".location", "'" + store.location()
                        + "' holds no private key (a key store needs the server's key and certificate)");
            }
            if (!hasCert) {
                throw new ConfigException(store.keyPrefix() + ".location", "'" + store.location()
                        + "' holds no certificate");
            }
        } catch (KeyStoreException e) {
            throw new ConfigException(store.keyPrefix() + ".location", e.getMessage());
        }
    }

    /** ssl.X.password, else the first line of the file ssl.X.passwordPath names, else empty. */
    private static char[] password(Properties props, String prefix) {
        String password = get(props, prefix + ".password");
        if (password != null) {
            return password.toCharArray();
        }
        String path = get(props, prefix + ".passwordPath");
        if (path == null || path.isEmpty()) {
            return new char[0];
        }
        try {
            List<String> lines = Files.readAllLines(Path.of(path), StandardCharsets.UTF_8);
            return lines.isEmpty() ? new char[0] : lines.get(0).toCharArray();
        } catch (IOException e) {
            throw new ConfigException(prefix + ".passwordPath", "cannot read '" + path + "': " + e.getMessage());
        }
    }

    private static ClientAuth clientAuth(Properties props, String prefix) {
        String v = get(props, prefix + "clientAuth");
        if (v == null || v.isEmpty()) {
            return ClientAuth.NEED;
        }
        try {
            return ClientAuth.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(prefix + "clientAuth", "must be none, want or need, was '" + v + "'");
        }
    }

    /**
     * ssl.enabledProtocols; else ssl.protocol alone, as ZooKeeper does; else TLSv1.3 and TLSv1.2, so
     * that clients of either ZooKeeper default (3.9 offers TLSv1.3 where the JDK has it) connect.
     */
    private static List<String> protocols(Properties props, String prefix) {
        List<String> enabled = list(get(props, prefix + "enabledProtocols"));
        if (!enabled.isEmpty()) {
            return enabled;
        }
        String protocol = get(props, prefix + "protocol");
        return protocol == null || protocol.isEmpty() ? List.of("TLSv1.3", "TLSv1.2") : List.of(protocol);
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
