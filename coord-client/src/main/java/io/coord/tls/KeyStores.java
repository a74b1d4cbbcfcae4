package io.coord.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Loads key and trust stores the way ZooKeeper names them: {@code JKS}, {@code PKCS12} or
 * {@code PEM}, the type taken from the file name's extension when none is given ({@code .jks},
 * {@code .p12}/{@code .pfx}, {@code .pem}). A PEM key store is one file holding a private key
 * (PKCS#8, encrypted PKCS#8 or PKCS#1 RSA) and its certificate chain; a PEM trust store holds
 * certificates. Shared by the server and the native client so both read the same files alike.
 */
public final class KeyStores {
    /** The store types Coord reads. */
    public static final List<String> TYPES = List.of("JKS", "PKCS12", "PEM");

    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    private static final String KEY_ALIAS = "key";

    private KeyStores() {
    }

    /**
     * The store type: {@code type} upper-cased when given, else inferred from the extension.
     * Throws IllegalArgumentException naming what is wrong (an unknown type or extension).
     */
    public static String resolveType(Path file, String type) {
        if (type != null && !type.isBlank()) {
            String t = type.trim().toUpperCase(Locale.ROOT);
            if (!TYPES.contains(t)) {
                throw new IllegalArgumentException("store type '" + type.trim() + "' is not one of " + TYPES);
            }
            return t;
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jks")) {
            return "JKS";
        }
        if (name.endsWith(".p12") || name.endsWith(".pfx")) {
            return "PKCS12";
        }
        if (name.endsWith(".pem")) {
            return "PEM";
        }
        throw new IllegalArgumentException("cannot tell the store type of '" + file + "' from its extension"
                + " (.jks, .p12, .pfx or .pem); set the type");
    }

    /** Loads {@code file}; {@code password} may be empty (PEM with an unencrypted key, or no password). */
    public static KeyStore load(Path file, char[] password, String type) throws IOException, GeneralSecurityException {
        String t = resolveType(file, type);
        password = password == null ? new char[0] : password;
        byte[] bytes = Files.readAllBytes(file);
        if (t.equals("PEM")) {
            return fromPem(new String(bytes, StandardCharsets.US_ASCII), password);
        }
        KeyStore ks = KeyStore.getInstance(t);
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            ks.load(in, password);
        }
        return ks;
    }

    /** Key managers for the key store at {@code file} (its key protected by the store's password). */
    public static KeyManagerFactory keyManagers(Path file, char[] password, String type)
            throws IOException, GeneralSecurityException {
        KeyStore ks = load(file, password, type);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password == null ? new char[0] : password);
        return kmf;
    }

    /** Trust managers (PKIX) trusting the certificates of the store at {@code file}. */
    public static TrustManagerFactory trustManagers(Path file, char[] password, String type)
            throws IOException, GeneralSecurityException {
        KeyStore ks = load(file, password, type);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf;
    }

    private static KeyStore fromPem(String text, char[] password) throws IOException, GeneralSecurityException {
        List<Certificate> certs = new ArrayList<>();
        PrivateKey key = null;
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Matcher m = PEM_BLOCK.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            byte[] der = Base64.getMimeDecoder().decode(m.group(2).trim());
            switch (label) {
                case "CERTIFICATE" -> certs.add(cf.generateCertificate(new ByteArrayInputStream(der)));
                case "PRIVATE KEY" -> key = privateKey(der);
                case "ENCRYPTED PRIVATE KEY" -> key = privateKey(decrypt(der, password));
                case "RSA PRIVATE KEY" -> key = privateKey(pkcs1ToPkcs8(der));
                default -> throw new GeneralSecurityException("PEM block '" + label + "' is not supported (use"
                        + " PKCS#8 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY' or 'CERTIFICATE')");
            }
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no certificate in the PEM file");
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        if (key != null) {
            ks.setKeyEntry(KEY_ALIAS, key, password, certs.toArray(new Certificate[0]));
        } else {
            for (int i = 0; i < certs.size(); i++) {
                ks.setCertificateEntry("cert-" + i, certs.get(i));
            }
        }
        return ks;
    }

    private static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(pkcs8);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "DSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // not this algorithm; try the next
            }
        }
        throw new GeneralSecurityException("the PEM private key is not an RSA, EC, EdDSA or DSA key");
    }

    private static byte[] decrypt(byte[] der, char[] password) throws IOException, GeneralSecurityException {
        if (password == null || password.length == 0) {
            throw new GeneralSecurityException("the PEM private key is encrypted but no password is set");
        }
        EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
        SecretKeyFactory factory = SecretKeyFactory.getInstance(info.getAlgName());
        return info.getKeySpec(factory.generateSecret(new PBEKeySpec(password))).getEncoded();
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL). */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d,
            0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length;
        if (n < 0x80) {
            length = new byte[] {(byte) n};
        } else if (n < 0x100) {
            length = new byte[] {(byte) 0x81, (byte) n};
        } else if (n < 0x10000) {
            length = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        } else {
            length = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        }
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, n);
        return out;
    }
}
