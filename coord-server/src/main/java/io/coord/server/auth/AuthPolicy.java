package io.coord.server.auth;

import io.coord.server.config.AuthConfig;
import io.coord.server.config.ServerConfig;
import io.coord.server.tree.AclRules;
import io.coord.wire.Acl;
import io.coord.wire.Id;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The one place that decides, with ZooKeeper's semantics, who is the super user, whether ACLs are
 * checked at all ({@code skipACL}) and whether a session may send requests ({@code enforce.auth}).
 * Both request pipelines and {@code TxnPrep} ask it; it is immutable, built from the config.
 *
 * <p>A super session carries the id {@code super} (as in ZooKeeper), which {@link AclRules#allows}
 * lets through every check. So on an ensemble the leader, preparing a forwarded write, sees it in
 * the session's auth ids that travel with the request; {@code skipACL} is each member's own setting,
 * as in ZooKeeper (every member should have the same).
 */
public final class AuthPolicy {
    /** ZooKeeper's defaults: no super user, ACLs checked, nothing enforced. */
    public static final AuthPolicy DEFAULT = new AuthPolicy(AuthConfig.DEFAULT);
    /** The id that passes every ACL check; ZooKeeper gives it an empty id. */
    public static final Id SUPER = new Id(AclRules.SUPER_SCHEME, "");

    private final AuthConfig config;

    public AuthPolicy(AuthConfig config) {
        this.config = config;
    }

    public static AuthPolicy of(ServerConfig config) {
        return new AuthPolicy(config.auth());
    }

    /** skipACL=yes: every ACL check passes (ACL lists given to create/setACL are still validated). */
    public boolean skipsAcl() {
        return config.skipAcl();
    }

    /** True when the requester may do {@code perm} on a node with {@code acl} (see {@link AclRules#allows}). */
    public boolean allows(List<Acl> acl, int perm, List<Id> authIds, String clientIp) {
        return config.skipAcl() || AclRules.allows(acl, perm, authIds, clientIp);
    }

    /** True when everyone may do {@code perm}: skipACL, or {@link AclRules#allowsAnyone}. */
    public boolean allowsAnyone(List<Acl> acl, int perm) {
        return config.skipAcl() || AclRules.allowsAnyone(acl, perm);
    }

    /**
     * True when a session authenticated as {@code id} is the super user: the digest id equal to
     * {@code DigestAuthenticationProvider.superDigest}, a sasl id named by {@code zookeeper.superUser}
     * (or {@code zookeeper.superUser.<suffix>}), the x509 subject named by
     * {@code X509AuthenticationProvider.superUser}, or the {@code super} id itself.
     */
    public boolean isSuper(Id id) {
        if (id == null || id.scheme() == null || id.id() == null) {
            return false;
        }
        return switch (id.scheme()) {
            case AclRules.SUPER_SCHEME -> true;
            case "digest" -> config.superDigest() != null && sameSecret(config.superDigest(), id.id());
            case "sasl" -> config.saslSuperUsers().contains(id.id());
            case "x509" -> id.id().equals(config.x509SuperUser());
            default -> false;
        };
    }

    /**
     * The ids a session gains when it authenticates as {@code id}: {@code id}, and {@link #SUPER}
     * when {@link #isSuper} says so, in ZooKeeper's order (digest puts super first, sasl after).
     * Every authentication path (digest here, sasl and x509 when they come) adds what this returns.
     */
    public List<Id> identitiesFor(Id id) {
        if (!isSuper(id) || AclRules.SUPER_SCHEME.equals(id.scheme())) {
            return List.of(id);
        }
        return "digest".equals(id.scheme()) ? List.of(SUPER, id) : List.of(id, SUPER);
    }

    /** enforce.auth.enabled is on. */
    public boolean enforcesAuth() {
        return config.enforceAuth();
    }

    /**
     * True when a session with {@code authIds} may send requests other than auth and sasl: enforcement
     * is off, or it has an id of one of {@code enforce.auth.schemes}. Every ZooKeeper connection has an
     * {@code ip} id, so the scheme {@code ip} admits everyone (Coord keeps the ip out of the auth ids).
     */
    public boolean admits(List<Id> authIds) {
        if (!config.enforceAuth() || config.enforceSchemes().contains("ip")) {
            return true;
        }
        for (Id id : authIds) {
            if (config.enforceSchemes().contains(id.scheme())) {
                return true;
            }
        }
        return false;
    }

    /** The enforced schemes, for log lines. */
    public List<String> enforcedSchemes() {
        return config.enforceSchemes();
    }

    /** Constant-time comparison: the super digest is a password hash. */
    private static boolean sameSecret(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
