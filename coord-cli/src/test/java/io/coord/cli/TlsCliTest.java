package io.coord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.CoordServer;
import io.coord.server.config.ServerConfig;
import io.coord.server.config.TlsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** coord-cli's TLS options against a server that only speaks TLS and needs a client certificate. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsCliTest {
    private static final String PW = "changeit";

    @Test
    void tlsFlagsAndClientConfigurationFileReachASecurePort(@TempDir Path dir) throws Exception {
        keyPair(dir, "server", "CN=cli-server", true);
        keyPair(dir, "client", "CN=cli-client", false);
        trust(dir, "server-trust", "client");
        trust(dir, "client-trust", "server");
        TlsConfig tls = new TlsConfig(new InetSocketAddress("127.0.0.1", 0), false,
                new TlsConfig.Store("ssl.keyStore", dir.resolve("server.p12"), PW.toCharArray(), "PKCS12"),
                new TlsConfig.Store("ssl.trustStore", dir.resolve("server-trust.p12"), PW.toCharArray(), "PKCS12"),
                TlsConfig.ClientAuth.NEED, List.of("TLSv1.3", "TLSv1.2"), List.of(), true, true);
        Path data = Files.createDirectories(dir.resolve("data"));
        try (CoordServer server = CoordServer.start(ServerConfig.builder(data).clientAddress(null).tls(tls)
                .tickTimeMs(200).build())) {
            String target = "127.0.0.1:" + server.securePort();
            CliTestBase.Run created = CliTestBase.run("", "-tls", "-truststore", dir.resolve("client-trust.p12").toString(),
                    "-truststorepassword", PW, "-keystore", dir.resolve("client.p12").toString(), "-keystorepassword", PW,
                    "-server", target, "create", "/cli-tls", "hello");
            assertEquals(0, created.status(), created.err());

            Path cfg = dir.resolve("client.properties");
            Files.writeString(cfg, "zookeeper.client.secure=true\n"
                    + "zookeeper.ssl.trustStore.location=" + dir.resolve("client-trust.p12") + "\n"
                    + "zookeeper.ssl.trustStore.password=" + PW + "\n"
                    + "zookeeper.ssl.keyStore.location=" + dir.resolve("client.p12") + "\n"
                    + "zookeeper.ssl.keyStore.password=" + PW + "\n", StandardCharsets.UTF_8);
            CliTestBase.Run read = CliTestBase.run("", "-client-configuration", cfg.toString(), "-server", target,
                    "-connecttimeout", "5000", "get", "/cli-tls");
            assertEquals(0, read.status(), read.err());
            assertEquals(List.of("hello"), read.outLines());

            CliTestBase.Run plain = CliTestBase.run("", "-server", target, "-connecttimeout", "2000", "get", "/cli-tls");
            assertNotEquals(0, plain.status(), "a plaintext CLI was served on the TLS port");
        }
    }

    @Test
    void tlsOptionsParse() {
        assertNull(GlobalOptions.parse(new String[] {"-server", "h:1", "ls", "/"}).tls());
        GlobalOptions o = GlobalOptions.parse(new String[] {"-tls", "-truststore", "t.p12", "-nohostnameverification",
            "ls", "/"});
        assertTrue(o.tls() != null && !o.tls().hostnameVerification());
        assertEquals(List.of("ls", "/"), o.command());
        assertThrows(UsageException.class, () -> GlobalOptions.parse(new String[] {"-truststore", "t.p12"}));
        assertThrows(UsageException.class, () -> GlobalOptions.parse(new String[] {"-tls", "-keystore"}));
    }

    private static void keyPair(Path dir, String name, String dn, boolean serverNames) throws Exception {
        List<String> args = new ArrayList<>(List.of(keytool(), "-genkeypair", "-alias", name, "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "30", "-dname", dn, "-storetype", "PKCS12", "-keystore",
                dir.resolve(name + ".p12").toString(), "-storepass", PW, "-keypass", PW));
        if (serverNames) {
            args.addAll(List.of("-ext", "SAN=ip:127.0.0.1,dns:localhost"));
        }
        run(args);
        run(List.of(keytool(), "-exportcert", "-rfc", "-alias", name, "-keystore", dir.resolve(name + ".p12").toString(),
                "-storepass", PW, "-file", dir.resolve(name + ".crt").toString()));
    }

    private static void trust(Path dir, String store, String name) throws Exception {
        run(List.of(keytool(), "-importcert", "-noprompt", "-alias", name, "-file", dir.resolve(name + ".crt").toString(),
                "-storetype", "PKCS12", "-keystore", dir.resolve(store + ".p12").toString(), "-storepass", PW));
    }

    private static String keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool timed out");
        assertEquals(0, p.exitValue(), out);
    }
}
