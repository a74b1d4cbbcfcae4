package io.coord.server.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.wire.Acl;
import io.coord.wire.ErrorCode;
import io.coord.wire.Id;
import io.coord.wire.KeeperError;
import io.coord.wire.Perms;
import java.util.List;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.Test;

class AclRulesTest {
    private static final Id ALICE = new Id("digest", DigestAuth.generate("alice:secret"));

    @Test
    void digestMatchesZooKeeper() throws Exception {
        for (String cred : new String[] {"alice:secret", "super:test", "u:", "a:b:c"}) {
            assertEquals(DigestAuthenticationProvider.generateDigest(cred), DigestAuth.generate(cred), cred);
        }
        assertThrows(IllegalArgumentException.class, () -> DigestAuth.generate("nocolon"));
        assertTrue(DigestAuth.isValidId(ALICE.id()));
        assertFalse(DigestAuth.isValidId("nocolon"));
        assertFalse(DigestAuth.isValidId("a:b:c"));
    }

    @Test
    void ipMatching() {
        assertTrue(IpMatcher.matches("10.1.2.3", "10.1.2.3"));
        assertFalse(IpMatcher.matches("10.1.2.4", "10.1.2.3"));
        assertTrue(IpMatcher.matches("10.1.2.200", "10.1.2.0/24"));
        assertFalse(IpMatcher.matches("10.1.3.1", "10.1.2.0/24"));
        assertTrue(IpMatcher.matches("10.1.3.1", "10.0.0.0/8"));
        assertTrue(IpMatcher.matches("1.2.3.4", "0.0.0.0/0"));
        assertTrue(IpMatcher.matches("10.1.2.3", "10.1.2.2/31"));
        assertTrue(IpMatcher.matches("fe80::1", "fe80::/64"));
        assertFalse(IpMatcher.matches("fe81::1", "fe80::/16"));
        assertTrue(IpMatcher.matches("0:0:0:0:0:0:0:1", "::1"));
        assertFalse(IpMatcher.matches("10.1.2.3", "fe80::/64"));
        assertFalse(IpMatcher.matches(null, "10.0.0.0/8"));
        for (String bad : new String[] {"10.1.2", "10.1.2.256", "10.1.2.3/33", "10.1.2.3/", "host.example",
                "1::2::3", "10.1.2.3/x", "::1/129"}) {
            assertFalse(IpMatcher.isValidId(bad), bad);
        }
    }

    @Test
    void permissionChecks() {
        List<Acl> acl = List.of(new Acl(Perms.READ, Id.ANYONE), new Acl(Perms.ALL, ALICE),
                new Acl(Perms.WRITE, new Id("ip", "192.168.0.0/16")));
        assertTrue(AclRules.allows(acl, Perms.READ, List.of(), null));
        assertFalse(AclRules.allows(acl, Perms.WRITE, List.of(), "10.0.0.1"));
        assertTrue(AclRules.allows(acl, Perms.WRITE, List.of(), "192.168.4.4"));
        assertTrue(AclRules.allows(acl, Perms.WRITE, List.of(new Id("ip", "192.168.4.4")), null));
        assertFalse(AclRules.allows(acl, Perms.DELETE, List.of(), "192.168.4.4"));
        assertTrue(AclRules.allows(acl, Perms.ADMIN, List.of(ALICE), null));
        assertFalse(AclRules.allows(acl, Perms.ADMIN, List.of(new Id("digest", "alice:wrong")), null));
        assertTrue(AclRules.allows(acl, Perms.ADMIN, List.of(new Id("super", "")), null));
        assertTrue(AclRules.allows(List.of(), Perms.ADMIN, List.of(), null), "empty ACL allows all");
    }

    @Test
    void fixupValidatesAndExpands() throws KeeperError {
        List<Id> ids = List.of(new Id("ip", "10.0.0.1"), ALICE);
        assertEquals(List.of(new Acl(Perms.ALL, ALICE)), AclRules.fixup("/p", Acl.CREATOR_ALL_ACL, ids));
        assertEquals(Acl.OPEN_ACL_UNSAFE, AclRules.fixup("/p",
                List.of(new Acl(Perms.ALL, Id.ANYONE), new Acl(Perms.ALL, Id.ANYONE)), ids), "deduplicated");
        assertInvalid(List.of(), ids);
        assertInvalid(null, ids);
        assertInvalid(Acl.CREATOR_ALL_ACL, List.of(new Id("ip", "10.0.0.1")));
        assertInvalid(List.of(new Acl(Perms.ALL, new Id("world", "someone"))), ids);
        assertEquals(1, AclRules.fixup("/p", List.of(new Acl(Perms.ALL, new Id("sasl", "bob"))), ids).size());
        assertEquals(1, AclRules.fixup("/p", List.of(new Acl(Perms.ALL, new Id("sasl", "zk/host@REALM"))), ids).size());
        assertInvalid(List.of(new Acl(Perms.ALL, new Id("sasl", "bob@R@S"))), ids);
        assertEquals(1, AclRules.fixup("/p", List.of(new Acl(Perms.ALL, new Id("x509", "CN=bob"))), ids).size());
        assertInvalid(List.of(new Acl(Perms.ALL, new Id("x509", "not a distinguished name"))), ids);
        assertInvalid(List.of(new Acl(Perms.ALL, new Id("digest", "bob"))), ids);
        assertInvalid(List.of(new Acl(Perms.ALL, new Id("ip", "300.0.0.1"))), ids);
        assertEquals(1, AclRules.fixup("/p", List.of(new Acl(Perms.ALL, new Id("ip", "10.0.0.0/8"))), ids).size());
    }

    /** kazoo's CREATOR_ALL_ACL is Id('auth', '') sent with a null id: ZooKeeper ignores the id. */
    @Test
    void authEntryWithANullIdExpandsLikeAnyOther() throws KeeperError {
        List<Acl> creatorAllNullId = List.of(new Acl(Perms.ALL, new Id("auth", null)));
        assertEquals(List.of(new Acl(Perms.ALL, ALICE)),
                AclRules.fixup("/p", creatorAllNullId, List.of(new Id("ip", "10.0.0.1"), ALICE)));
        assertInvalid(creatorAllNullId, List.of(new Id("ip", "10.0.0.1")));
        assertInvalid(List.of(new Acl(Perms.ALL, new Id("digest", null))), List.of(ALICE));
        assertInvalid(List.of(new Acl(Perms.ALL, new Id("world", null))), List.of(ALICE));
    }

    @Test
    void allowsAnyoneNeedsAWorldEntryWithTheBit() {
        assertTrue(AclRules.allowsAnyone(Acl.OPEN_ACL_UNSAFE, Perms.READ));
        assertTrue(AclRules.allowsAnyone(Acl.READ_ACL_UNSAFE, Perms.READ));
        assertFalse(AclRules.allowsAnyone(Acl.READ_ACL_UNSAFE, Perms.WRITE));
        assertTrue(AclRules.allowsAnyone(List.of(), Perms.READ), "an empty ACL allows all");
        assertFalse(AclRules.allowsAnyone(List.of(new Acl(Perms.ALL, ALICE)), Perms.READ));
        assertFalse(AclRules.allowsAnyone(List.of(new Acl(Perms.READ, new Id("ip", "0.0.0.0/0"))), Perms.READ),
                "an ip entry depends on the client");
        assertTrue(AclRules.allowsAnyone(List.of(new Acl(Perms.ALL, ALICE), new Acl(Perms.READ, Id.ANYONE)),
                Perms.READ));
    }

    private static void assertInvalid(List<Acl> acl, List<Id> ids) {
        KeeperError e = assertThrows(KeeperError.class, () -> AclRules.fixup("/p", acl, ids));
        assertEquals(ErrorCode.INVALIDACL, e.code());
    }
}
