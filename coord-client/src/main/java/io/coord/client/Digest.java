package io.coord.client;

import io.coord.wire.Acl;
import io.coord.wire.Id;
import io.coord.wire.Perms;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/** Helpers for the {@code digest} ACL scheme: {@code user:base64(sha1("user:password"))}. */
public final class Digest {
    private Digest() {
    }

    /** The ACL id a client authenticated as {@code user:password} has. */
    public static Id id(String user, String password) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            return new Id("digest", user + ":" + Base64.getEncoder().encodeToString(sha1));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 missing from the JDK", e);
        }
    }

    /** An ACL granting every permission to that user only. */
    public static List<Acl> allFor(String user, String password) {
        return List.of(new Acl(Perms.ALL, id(user, password)));
    }
}
