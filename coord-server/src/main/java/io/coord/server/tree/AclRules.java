package io.coord.server.tree;

import io.coord.wire.Acl;
import io.coord.wire.ErrorCode;
import io.coord.wire.Id;
import io.coord.wire.KeeperError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * ACL validation and permission checks with ZooKeeper's schemes: {@code world:anyone},
 * {@code auth} (expands to the session's authenticated ids), {@code digest}, {@code ip} and
 * {@code sasl} (the SASL-authenticated user name, matched exactly) and {@code x509} (the exact
 * subject DN a TLS client's certificate gives its session). Other schemes are refused as INVALIDACL.
 */
public final class AclRules {
    public static final String SUPER_SCHEME = "super";

    private AclRules() {
    }

    /**
     * True when the requester may do {@code perm} on a node with {@code acl}. {@code authIds} are
     * the session's authenticated ids ({@code super} passes everything); {@code clientIp} (may be
     * null) is matched against {@code ip} entries. An empty ACL allows everything, as in ZooKeeper.
     */
    public static boolean allows(List<Acl> acl, int perm, List<Id> authIds, String clientIp) {
        if (acl == null || acl.isEmpty()) {
            return true;
        }
        for (Id id : authIds) {
            if (SUPER_SCHEME.equals(id.scheme())) {
                return true;
            }
        }
        for (Acl a : acl) {
            if ((a.perms() & perm) != 0 && matches(a.id(), authIds, clientIp)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when {@code perm} is granted to everyone: an empty ACL, or a {@code world:anyone} entry
     * with the bit. Needs no session, so callers can skip looking one up.
     */
    public static boolean allowsAnyone(List<Acl> acl, int perm) {
        if (acl == null || acl.isEmpty()) {
            return true;
        }
        for (Acl a : acl) {
            if ((a.perms() & perm) != 0 && "world".equals(a.id().scheme()) && "anyone".equals(a.id().id())) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Id aclId, List<Id> authIds, String clientIp) {
        String scheme = aclId.scheme();
        if ("world".equals(scheme)) {
            return "anyone".equals(aclId.id());
        }
        if ("ip".equals(scheme)) {
            if (IpMatcher.matches(clientIp, aclId.id())) {
                return true;
            }
            for (Id id : authIds) {
                if ("ip".equals(id.scheme()) && IpMatcher.matches(id.id(), aclId.id())) {
                    return true;
                }
            }
            return false;
        }
        for (Id id : authIds) {
            if (scheme.equals(id.scheme()) && aclId.id().equals(id.id())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Validates an ACL from a create or setACL and returns what to store: duplicates removed,
     * {@code auth} entries expanded to the session's authenticated (non-ip) ids. Throws
     * INVALIDACL for an empty list, an unknown scheme, a malformed id, or {@code auth} with no
     * authenticated id. The id of an {@code auth} entry is not looked at (it may be null).
     */
    public static List<Acl> fixup(String path, List<Acl> acl, List<Id> authIds) throws KeeperError {
        if (acl == null || acl.isEmpty()) {
            throw new KeeperError(ErrorCode.INVALIDACL, path);
        }
        List<Acl> out = new ArrayList<>(acl.size());
        for (Acl a : new LinkedHashSet<>(acl)) {
            if (a == null || a.id() == null || a.id().scheme() == null) {
                throw new KeeperError(ErrorCode.INVALIDACL, path);
            }
            // The auth scheme's id is ignored, as ZooKeeper does: kazoo's CREATOR_ALL_ACL sends it
            // as a null string, the Java client as "".
            if ("auth".equals(a.id().scheme())) {
                expandAuth(path, a.perms(), authIds, out);
            } else if (a.id().id() != null && isValidId(a.id())) {
                out.add(a);
            } else {
                throw new KeeperError(ErrorCode.INVALIDACL, path);
            }
        }
        return out;
    }

    private static void expandAuth(String path, int perms, List<Id> authIds, List<Acl> out)
            throws KeeperError {
        boolean any = false;
        for (Id id : authIds) {
            if (isAuthenticatedScheme(id.scheme())) {
                out.add(new Acl(perms, id));
                any = true;
            }
        }
        if (!any) {
            throw new KeeperError(ErrorCode.INVALIDACL, path);
        }
    }

    /** Ids an {@code auth} ACL may expand to: not the connection's ip, not world, not super. */
    private static boolean isAuthenticatedScheme(String scheme) {
        return !"ip".equals(scheme) && !"world".equals(scheme) && !SUPER_SCHEME.equals(scheme);
    }

    /** What ZooKeeper's x509 provider accepts as an id: any string X500Principal parses. */
    private static boolean isDistinguishedName(String id) {
        try {
            new X500Principal(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean isValidId(Id id) {
        return switch (id.scheme()) {
            case "world" -> "anyone".equals(id.id());
            case "digest" -> DigestAuth.isValidId(id.id());
            case "ip" -> IpMatcher.isValidId(id.id());
            case "sasl" -> isValidSaslId(id.id());
            case "x509" -> isDistinguishedName(id.id());
            default -> false;
        };
    }

    /**
     * As ZooKeeper's SASL provider: a name is valid unless it has an '@' without being a
     * well-formed Kerberos principal {@code primary[/host]@REALM} (one '@', no '/' or '@' in the
     * realm, at most one '/' before it).
     */
    static boolean isValidSaslId(String id) {
        int at = id.indexOf('@');
        if (at < 0) {
            return true;
        }
        String before = id.substring(0, at);
        String realm = id.substring(at + 1);
        int slash = before.indexOf('/');
        return realm.indexOf('@') < 0 && realm.indexOf('/') < 0
                && (slash < 0 || before.indexOf('/', slash + 1) < 0);
    }
}
