package io.coord.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.config.AuthConfig;
import io.coord.server.tree.DigestAuth;
import io.coord.wire.Acl;
import io.coord.wire.Id;
import io.coord.wire.Perms;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthPolicyTest {
    private static final String SUPER_DIGEST = DigestAuth.generate("super:secret");
    private static final Id ALICE = new Id("digest", DigestAuth.generate("alice:pw"));
    private static final List<Acl> ALICE_ONLY = List.of(new Acl(Perms.ALL, ALICE));

    private static AuthPolicy policy(String superDigest, Set<String> saslSupers, boolean skipAcl,
                                     boolean enforce, List<String> schemes) {
        return new AuthPolicy(new AuthConfig(superDigest, saslSupers, skipAcl, Set.of("ip", "digest", "sasl"),
                enforce, schemes, null));
    }

    @Test
    void theSuperDigestMakesASessionSuperAndNothingElseDoes() {
        AuthPolicy p = policy(SUPER_DIGEST, Set.of("admin"), false, false, List.of());
        Id superDigestId = new Id("digest", SUPER_DIGEST);
        assertTrue(p.isSuper(superDigestId));
        assertEquals(List.of(AuthPolicy.SUPER, superDigestId), p.identitiesFor(superDigestId));
        Id wrong = new Id("digest", DigestAuth.generate("super:wrong"));
        assertFalse(p.isSuper(wrong));
        assertEquals(List.of(wrong), p.identitiesFor(wrong));
        assertTrue(p.allows(ALICE_ONLY, Perms.ALL, p.identitiesFor(superDigestId), null));
        assertFalse(p.allows(ALICE_ONLY, Perms.READ, p.identitiesFor(wrong), null));
    }

    @Test
    void saslSuperUsersComeAfterTheirSaslId() {
        AuthPolicy p = policy(null, Set.of("admin"), false, false, List.of());
        Id admin = new Id("sasl", "admin");
        assertEquals(List.of(admin, AuthPolicy.SUPER), p.identitiesFor(admin));
        assertFalse(p.isSuper(new Id("sasl", "bob")));
        // No super digest configured: no digest id is super.
        assertFalse(p.isSuper(new Id("digest", SUPER_DIGEST)));
        assertFalse(AuthPolicy.DEFAULT.isSuper(new Id("digest", SUPER_DIGEST)));
    }

    @Test
    void theX509SuperUserIsTheConfiguredSubjectOnly() {
        String admin = "CN=admin,OU=ops,O=coord-test";
        AuthPolicy p = new AuthPolicy(new AuthConfig(null, Set.of(), false, Set.of("ip", "digest", "x509"), false,
                List.of(), admin));
        Id cert = new Id("x509", admin);
        assertTrue(p.isSuper(cert));
        // ZooKeeper's order: the certificate's id, then super.
        assertEquals(List.of(cert, AuthPolicy.SUPER), p.identitiesFor(cert));
        assertTrue(p.allows(ALICE_ONLY, Perms.ALL, p.identitiesFor(cert), null));
        Id other = new Id("x509", "CN=client-a,OU=apps,O=coord-test");
        assertFalse(p.isSuper(other));
        assertEquals(List.of(other), p.identitiesFor(other));
        // The same subject under another scheme is not super.
        assertFalse(p.isSuper(new Id("sasl", admin)));
        assertFalse(AuthPolicy.DEFAULT.isSuper(cert));
    }

    @Test
    void skipAclPassesEveryCheck() {
        AuthPolicy p = policy(null, Set.of(), true, false, List.of());
        assertTrue(p.allows(ALICE_ONLY, Perms.ADMIN, List.of(), "10.0.0.1"));
        assertTrue(p.allowsAnyone(ALICE_ONLY, Perms.READ));
        assertFalse(AuthPolicy.DEFAULT.allows(ALICE_ONLY, Perms.READ, List.of(), "10.0.0.1"));
    }

    @Test
    void enforcementAdmitsOnlyTheEnforcedSchemes() {
        AuthPolicy p = policy(null, Set.of(), false, true, List.of("sasl"));
        assertFalse(p.admits(List.of()));
        assertFalse(p.admits(List.of(ALICE)));
        assertTrue(p.admits(List.of(new Id("sasl", "bob"))));
        // Every connection has an ip identity in ZooKeeper.
        assertTrue(policy(null, Set.of(), false, true, List.of("ip")).admits(List.of()));
        assertTrue(AuthPolicy.DEFAULT.admits(List.of()));
    }
}
