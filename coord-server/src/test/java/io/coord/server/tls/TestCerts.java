package io.coord.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Certificates for TLS tests, made with the JDK's keytool (and openssl for the PEM key kazoo
 * needs) in a directory of the test's: self-signed EC key pairs whose certificates the other side
 * trusts directly. Servers' certificates name 127.0.0.1 and localhost, so clients that verify
 * host names accept them. Every store's password is {@link #PASSWORD}.
 */
public final class TestCerts {
    public static final String PASSWORD = "changeit";
    private final Path dir;

    private TestCerts(Path dir) {
        this.dir = dir;
    }

    /** The stores made once for this test JVM (14 keytool runs, seconds each on a busy machine), copied per use. */
    private static Path made;

    /**
     * Key stores {@code server}, {@code server2} (a second server identity, for reloads),
     * {@code clientA}, {@code clientB} and {@code rogue}; trust stores {@code server-trust} (trusts
     * clientA and clientB, not rogue) and {@code client-trust} (trusts server and server2). The keys
     * are made once per test JVM and copied into {@code dir}, which each test may then change.
     */
    public static synchronized TestCerts create(Path dir) throws IOException, InterruptedException {
        if (made == null) {
            Path fresh = Files.createTempDirectory("coord-test-certs");
            TestCerts c = new TestCerts(fresh);
            c.keyPair("server", "CN=coord-server,O=coord-test", true);
            c.keyPair("server2", "CN=coord-server-2,O=coord-test", true);
            c.keyPair("clientA", "CN=client-a,OU=apps,O=coord-test", false);
            c.keyPair("clientB", "CN=client-b,OU=apps,O=coord-test", false);
            c.keyPair("rogue", "CN=rogue,O=elsewhere", false);
            c.trust("server-trust", "clientA", "clientB");
            c.trust("client-trust", "server", "server2");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(fresh)));
            made = fresh;
        }
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(made)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dir.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return new TestCerts(dir);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp directory left behind by a dying JVM is harmless
        }
    }

    /** {@code name}.p12, a PKCS12 key store (also the type inferred from the extension). */
    public Path keyStore(String name) {
        return dir.resolve(name + ".p12");
    }

    /** {@code name}.p12, a PKCS12 trust store. */
    public Path trustStore(String name) {
        return dir.resolve(name + ".p12");
    }

    /** {@code name}.crt: the certificate, PEM. */
    public Path certPem(String name) {
        return dir.resolve(name + ".crt");
    }

    /** The RFC 2253 subject of {@code name}'s certificate, as the x509 scheme gives it. */
    public String subject(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore(name))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ((X509Certificate) ks.getCertificate(name)).getSubjectX500Principal().getName();
    }

    /**
     * {@code name}'s private key (unencrypted PKCS#8) and certificate in one PEM file, ZooKeeper's PEM
     * key store layout; also the files kazoo takes (keyfile = certfile = this file).
     */
    public Path keyAndCertPem(String name) throws IOException, InterruptedException {
        Path out = dir.resolve(name + "-key-and-cert.pem");
        if (!Files.exists(out)) {
            Path key = dir.resolve(name + ".key");
            run(List.of("openssl", "pkcs12", "-in", keyStore(name).toString(), "-nocerts", "-nodes",
                    "-passin", "pass:" + PASSWORD, "-out", key.toString()));
            // openssl prints bag attributes before the block; keep the blocks only.
            String pem = pemBlocks(Files.readString(key)) + pemBlocks(Files.readString(certPem(name)));
            Files.writeString(out, pem, StandardCharsets.US_ASCII);
        }
        return out;
    }

    /** A PEM trust store: the certificates of {@code names}, concatenated. */
    public Path trustPem(String fileName, String... names) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            sb.append(pemBlocks(Files.readString(certPem(n))));
        }
        Path out = dir.resolve(fileName + ".pem");
        Files.writeString(out, sb.toString(), StandardCharsets.US_ASCII);
        return out;
    }

    private static String pemBlocks(String text) {
        StringBuilder sb = new StringBuilder();
        boolean in = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("-----BEGIN")) {
                in = true;
            }
            if (in) {
                sb.append(line.strip()).append('\n');
            }
            if (line.startsWith("-----END")) {
                in = false;
            }
        }
        return sb.toString();
    }

    private void keyPair(String name, String dn, boolean serverNames) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(keytool(), "-genkeypair", "-alias", name, "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "30", "-dname", dn, "-storetype", "PKCS12",
                "-keystore", keyStore(name).toString(), "-storepass", PASSWORD, "-keypass", PASSWORD));
        if (serverNames) {
            args.addAll(List.of("-ext", "SAN=ip:127.0.0.1,dns:localhost"));
        }
        run(args);
        run(List.of(keytool(), "-exportcert", "-rfc", "-alias", name, "-keystore", keyStore(name).toString(),
                "-storepass", PASSWORD, "-file", certPem(name).toString()));
    }

    /** Makes trust store {@code store}.p12 trusting the certificates of {@code names} (for rotations). */
    public Path trustOnly(String store, String... names) throws IOException, InterruptedException {
        Files.deleteIfExists(trustStore(store));
        trust(store, names);
        return trustStore(store);
    }

    private void trust(String store, String... names) throws IOException, InterruptedException {
        for (String n : names) {
            run(List.of(keytool(), "-importcert", "-noprompt", "-alias", n, "-file", certPem(n).toString(),
                    "-storetype", "PKCS12", "-keystore", trustStore(store).toString(), "-storepass", PASSWORD));
        }
    }

    private static String keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command.get(0) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
    }
}
