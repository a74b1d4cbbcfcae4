package io.coord.server.tree;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The {@code digest} scheme: an id is {@code user:base64(sha1("user:password"))}. */
public final class DigestAuth {
    private DigestAuth() {
    }

    /**
     * The digest id for the credentials {@code user:password} (what an auth packet with scheme
     * "digest" carries). Throws IllegalArgumentException when there is no ':'.
     */
    public static String generate(String userColonPassword) {
        int colon = userColonPassword.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("digest credentials must be user:password");
        }
        String user = userColonPassword.substring(0, colon);
        return user + ":" + Base64.getEncoder().encodeToString(sha1(userColonPassword));
    }

    /** A digest id is valid when it has exactly two ':'-separated parts, as ZooKeeper checks. */
    public static boolean isValidId(String id) {
        int colon = id.indexOf(':');
        return colon >= 0 && id.indexOf(':', colon + 1) < 0 && colon > 0 && colon < id.length() - 1;
    }

    private static byte[] sha1(String s) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every JVM", e);
        }
    }
}
