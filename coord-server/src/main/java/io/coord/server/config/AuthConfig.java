package io.coord.server.config;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The super user and ACL switches, as ZooKeeper names them (read by {@link AuthKeys}); the
 * behaviour lives in {@code io.coord.server.auth.AuthPolicy}.
 *
 * @param superDigest     {@code DigestAuthenticationProvider.superDigest}: the digest id
 *                        ({@code user:base64(sha1("user:password"))}) whose session is super; null = none
 * @param saslSuperUsers  {@code zookeeper.superUser} and {@code zookeeper.superUser.<suffix>}: sasl
 *                        identities that are super (used once Coord has SASL)
 * @param skipAcl         {@code skipACL=yes}: every ACL check passes
 * @param providerSchemes the schemes Coord has a provider for: {@code ip} and {@code digest} always,
 *                        plus those of the built-in provider classes named by {@code authProvider.N}
 * @param enforceAuth     {@code enforce.auth.enabled}: a session must be authenticated with one of
 *                        {@code enforceSchemes} before any request but auth and sasl
 * @param enforceSchemes  {@code enforce.auth.schemes}, each one of {@code providerSchemes}
 * @param x509SuperUser   {@code X509AuthenticationProvider.superUser}: the RFC 2253 subject of the
 *                        client certificate whose session is super; null = none
 */
public record AuthConfig(String superDigest, Set<String> saslSuperUsers, boolean skipAcl,
                         Set<String> providerSchemes, boolean enforceAuth, List<String> enforceSchemes,
                         String x509SuperUser) {

    /** ZooKeeper's defaults: no super user, ACLs checked, ip and digest, no enforcement. */
    public static final AuthConfig DEFAULT = new AuthConfig(null, Set.of(), false, Set.of("ip", "digest"), false,
            List.of(), null);

    public AuthConfig {
        saslSuperUsers = Set.copyOf(saslSuperUsers);
        providerSchemes = Set.copyOf(providerSchemes);
        enforceSchemes = List.copyOf(enforceSchemes);
        // Fail closed: enforcement that names no scheme (or one nobody can authenticate with)
        // would either let everyone in or no one; ZooKeeper refuses to start on both.
        if (enforceAuth && enforceSchemes.isEmpty()) {
            throw new ConfigException("enforce.auth.schemes", "must name at least one scheme when"
                    + " enforce.auth.enabled is true");
        }
        for (String scheme : enforceSchemes) {
            if (!providerSchemes.contains(scheme)) {
                throw new ConfigException("enforce.auth.schemes", "authentication scheme '" + scheme
                        + "' is not available (schemes: " + new TreeSet<>(providerSchemes)
                        + "; sasl and x509 need their authProvider.N line)");
            }
        }
    }

    @Override
    public String toString() {
        // The super digest is a password hash: kept out of logs.
        return "AuthConfig[superDigest=" + (superDigest == null ? "none" : "set") + ", saslSuperUsers="
                + saslSuperUsers + ", skipAcl=" + skipAcl + ", providerSchemes=" + providerSchemes
                + ", enforceAuth=" + enforceAuth + ", enforceSchemes=" + enforceSchemes
                + ", x509SuperUser=" + (x509SuperUser == null ? "none" : x509SuperUser) + "]";
    }
}
