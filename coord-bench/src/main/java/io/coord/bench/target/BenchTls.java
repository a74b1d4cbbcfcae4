package io.coord.bench.target;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * TLS for {@code --tls}: the stores a server's secureClientPort and the stock client use. Both
 * servers get the same zoo.cfg keys (ZooKeeper's names; ZooKeeper also needs its Netty connection
 * factory), mutual TLS (ZooKeeper's default ssl.clientAuth=need), and the client runs ZooKeeper's
 * Netty socket with {@code zookeeper.client.secure=true}, configured per client (ZKClientConfig), so
 * nothing leaks into other clients of the JVM.
 *
 * @param keyStore   the key and certificate presented (the server's, and the client's for mutual TLS);
 *                   may be null for a client without a certificate
 * @param trustStore the certificates trusted
 * @param password   both stores' password
 */
public record BenchTls(Path keyStore, Path trustStore, String password) {
    private static final String PASSWORD = "coord-bench";

    /**
     * A self-signed key pair for 127.0.0.1/localhost in {@code dir/bench-keystore.p12} and its certificate
     * in {@code dir/bench-truststore.p12}, made with the JDK's keytool; the same pair serves as server and
     * client certificate.
     */
    public static BenchTls generate(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path keyStore = dir.resolve("bench-keystore.p12");
        Path trustStore = dir.resolve("bench-truststore.p12");
        Path cert = dir.resolve("bench.crt");
        Files.deleteIfExists(keyStore);
        Files.deleteIfExists(trustStore);
        keytool(List.of("-genkeypair", "-alias", "bench", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-dname", "CN=coord-bench", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD));
        keytool(List.of("-exportcert", "-alias", "bench", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-rfc", "-file", cert.toString()));
        keytool(List.of("-importcert", "-noprompt", "-alias", "bench", "-file", cert.toString(), "-storetype",
                "PKCS12", "-keystore", trustStore.toString(), "-storepass", PASSWORD));
        return new BenchTls(keyStore, trustStore, PASSWORD);
    }

    private static void keytool(List<String> args) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(keytool.toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool " + args.get(0) + " failed: " + output);
        }
    }

    /** The zoo.cfg lines of a secure client port on {@code securePort} (loopback), for either server. */
    public String serverConfig(int securePort) {
        return "secureClientPort=" + securePort + "\n"
                + "secureClientPortAddress=127.0.0.1\n"
                + "serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\n"
                + "ssl.keyStore.location=" + keyStore.toAbsolutePath() + "\n"
                + "ssl.keyStore.password=" + password + "\n"
                + "ssl.trustStore.location=" + trustStore.toAbsolutePath() + "\n"
                + "ssl.trustStore.password=" + password + "\n"
                + "ssl.clientAuth=need\n";
    }

    /** A stock client's settings for TLS to a secureClientPort. */
    public ZKClientConfig clientConfig() {
        ZKClientConfig c = new ZKClientConfig();
        c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        if (keyStore != null) {
            c.setProperty("zookeeper.ssl.keyStore.location", keyStore.toAbsolutePath().toString());
            c.setProperty("zookeeper.ssl.keyStore.password", password);
        }
        c.setProperty("zookeeper.ssl.trustStore.location", trustStore.toAbsolutePath().toString());
        c.setProperty("zookeeper.ssl.trustStore.password", password);
        return c;
    }
}
