package io.coord.server.config;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the super user and ACL switches into an {@link AuthConfig}. ZooKeeper reads them as the
 * system properties {@code zookeeper.<key>} (a zoo.cfg key it does not know becomes one); Coord
 * reads them from zoo.cfg only, under either name, as it does {@code zookeeper.extendedTypesEnabled}.
 * A value that cannot be honoured stops start-up naming its key (security settings fail closed).
 */
public final class AuthKeys {
    /** ZooKeeper's built-in provider classes Coord accepts in {@code authProvider.N}, and their schemes. */
    static final Map<String, String> BUILT_IN_PROVIDERS = Map.of(
            "org.apache.zookeeper.server.auth.DigestAuthenticationProvider", "digest",
            "org.apache.zookeeper.server.auth.IPAuthenticationProvider", "ip",
            "org.apache.zookeeper.server.auth.SASLAuthenticationProvider", "sasl",
            "org.apache.zookeeper.server.auth.X509AuthenticationProvider", "x509");
    /** ZooKeeper ships these too, but Coord does not implement them. */
    private static final Map<String, String> REFUSED_PROVIDERS = Map.of(
            "org.apache.zookeeper.server.auth.KeyAuthenticationProvider", "it is ZooKeeper's sample provider"
                    + " (it accepts any key while /key does not exist)",
            "org.apache.zookeeper.server.auth.EnsembleAuthenticationProvider", "ensemble authentication"
                    + " (zookeeper.ensembleAuthName) is not implemented by Coord");

    private AuthKeys() {
    }

    /** The auth settings in {@code props}; ZooKeeper's defaults for keys that are absent. */
    public static AuthConfig parse(Properties props) {
        String superDigest = superDigest(props);
        Set<String> superUsers = new TreeSet<>();
        Set<String> schemes = new LinkedHashSet<>(AuthConfig.DEFAULT.providerSchemes());
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            String name = unprefixed(key);
            String value = props.getProperty(key).trim();
            if (name.equals("superUser") || name.startsWith("superUser.")) {
                if (value.isEmpty()) {
                    throw new ConfigException(key, "is empty; name the sasl user that is super");
                }
                superUsers.add(value);
            } else if (name.startsWith("authProvider.")) {
                schemes.add(providerScheme(key, value));
            }
        }
        String enabled = either(props, "enforce.auth.enabled", "enforceAuthEnabled");
        boolean enforce = enabled != null && ConfigValues.parseBool(enabledKey(props), enabled);
        String schemesText = either(props, "enforce.auth.schemes");
        List<String> enforceSchemes = new ArrayList<>();
        if (schemesText != null) {
            for (String s : schemesText.split(",")) {
                if (!s.isBlank()) {
                    enforceSchemes.add(s.trim());
                }
            }
        }
        String x509Super = either(props, "X509AuthenticationProvider.superUser");
        if (x509Super != null && x509Super.isEmpty()) {
            throw new ConfigException("X509AuthenticationProvider.superUser", "is empty; name the certificate"
                    + " subject (RFC 2253, as the x509 scheme gives it) that is super");
        }
        return new AuthConfig(superDigest, superUsers, skipAcl(props), schemes, enforce, enforceSchemes, x509Super);
    }

    /**
     * ZooKeeper reads these settings from JVM system properties ({@code -Dzookeeper.skipACL=yes});
     * Coord reads zoo.cfg only. Such a property would be silently dropped, which for
     * {@code enforce.auth} or a super user is the wrong way to fail: start-up stops instead, saying
     * to move it into zoo.cfg.
     */
    public static void refuseJvmProperties(Properties system) {
        for (String name : new TreeSet<>(system.stringPropertyNames())) {
            if (!name.startsWith("zookeeper.")) {
                continue;
            }
            String key = unprefixed(name);
            if (key.equals("DigestAuthenticationProvider.superDigest") || key.equals("superUser")
                    || key.equals("X509AuthenticationProvider.superUser")
                    || key.startsWith("superUser.") || key.equals("skipACL") || key.startsWith("authProvider.")
                    || key.startsWith("enforce.auth.")) {
                throw new ConfigException(name, "is a JVM system property, which Coord does not read (ZooKeeper"
                        + " does); set " + key + " in the config file instead");
            }
        }
    }

    /** {@code zookeeper.X} and {@code X} name the same setting. */
    static String unprefixed(String key) {
        return key.startsWith("zookeeper.") ? key.substring("zookeeper.".length()) : key;
    }

    /**
     * The value of the first of {@code names} present, under its plain or {@code zookeeper.} name;
     * two spellings with different values are refused rather than one silently winning.
     */
    private static String either(Properties props, String... names) {
        String found = null;
        String foundKey = null;
        for (String name : names) {
            for (String key : List.of(name, "zookeeper." + name)) {
                String v = props.getProperty(key);
                if (v == null) {
                    continue;
                }
                if (found != null && !found.equals(v.trim())) {
                    throw new ConfigException(key, "is set to '" + v.trim() + "' but " + foundKey + " to '"
                            + found + "'; set one of them");
                }
                found = v.trim();
                foundKey = key;
            }
        }
        return found;
    }

    private static String enabledKey(Properties props) {
        for (String key : List.of("enforce.auth.enabled", "zookeeper.enforce.auth.enabled", "enforceAuthEnabled",
                "zookeeper.enforceAuthEnabled")) {
            if (props.getProperty(key) != null) {
                return key;
            }
        }
        return "enforce.auth.enabled";
    }

    /** user:base64(sha1), the form DigestAuthenticationProvider prints; anything else is a mistake. */
    private static String superDigest(Properties props) {
        String value = either(props, "DigestAuthenticationProvider.superDigest");
        if (value == null) {
            return null;
        }
        String key = props.getProperty("DigestAuthenticationProvider.superDigest") != null
                ? "DigestAuthenticationProvider.superDigest" : "zookeeper.DigestAuthenticationProvider.superDigest";
        int colon = value.indexOf(':');
        boolean ok = colon > 0 && value.indexOf(':', colon + 1) < 0;
        if (ok) {
            try {
                ok = Base64.getDecoder().decode(value.substring(colon + 1)).length == 20;
            } catch (IllegalArgumentException e) {
                ok = false;
            }
        }
        if (!ok) {
            // The value is a password hash: not echoed.
            throw new ConfigException(key, "must be user:base64(sha1(\"user:password\")) (28 base64"
                    + " characters after the ':'), as DigestAuthenticationProvider generates it");
        }
        return value;
    }

    /** ZooKeeper skips ACLs only for exactly "yes"; anything but yes/no/false is refused as ambiguous. */
    private static boolean skipAcl(Properties props) {
        String value = either(props, "skipACL");
        if (value == null || value.equals("no") || value.equals("false")) {
            return false;
        }
        if (value.equals("yes")) {
            return true;
        }
        String key = props.getProperty("skipACL") != null ? "skipACL" : "zookeeper.skipACL";
        throw new ConfigException(key, "value '" + value + "' is not supported: ZooKeeper skips ACL checks only"
                + " for 'yes' (and checks them for any other value); use yes or no");
    }

    /** The scheme of a built-in provider class; any other class is refused (Coord loads no classes). */
    private static String providerScheme(String key, String className) {
        String scheme = BUILT_IN_PROVIDERS.get(className);
        if (scheme != null) {
            return scheme;
        }
        String why = REFUSED_PROVIDERS.get(className);
        if (why != null) {
            throw new ConfigException(key, "provider class " + className + " is not supported by Coord: " + why);
        }
        throw new ConfigException(key, "provider class '" + className + "' is not supported: Coord does not load"
                + " authentication provider classes; it accepts only ZooKeeper's built-in "
                + new TreeSet<>(BUILT_IN_PROVIDERS.keySet()));
    }
}
