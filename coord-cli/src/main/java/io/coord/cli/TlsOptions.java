package io.coord.cli;

import io.coord.client.ClientTls;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The shell's TLS options: {@code -tls} with {@code -truststore file [-truststorepassword pw]},
 * {@code -keystore file [-keystorepassword pw]} (a client certificate) and
 * {@code -nohostnameverification}; or {@code -client-configuration file}, a properties file with
 * ZooKeeper's client keys ({@code zookeeper.client.secure=true}, {@code zookeeper.ssl.trustStore.location},
 * {@code .password}, {@code .type}, {@code zookeeper.ssl.keyStore.*}, {@code zookeeper.ssl.protocol},
 * {@code zookeeper.ssl.hostnameVerification}), as zkCli takes. Flags given on the command line win.
 */
final class TlsOptions {
    static final String USAGE = "-tls [-truststore file] [-truststorepassword pw] [-keystore file]"
            + " [-keystorepassword pw] [-nohostnameverification] | -client-configuration file";

    private boolean secure;
    private String trustStore;
    private String trustStorePassword;
    private String trustStoreType;
    private String keyStore;
    private String keyStorePassword;
    private String keyStoreType;
    private String protocol;
    private Boolean hostnameVerification;

    /** Takes the option at {@code args[i]} if it is one of these; returns how many words it used (0: not ours). */
    int accept(String[] args, int i) {
        String a = args[i];
        switch (a) {
            case "-tls", "--tls" -> secure = true;
            case "-truststore", "--truststore" -> trustStore = GlobalOptions.value(args, i + 1, a);
            case "-truststorepassword", "--truststorepassword" -> trustStorePassword = GlobalOptions.value(args, i + 1, a);
            case "-keystore", "--keystore" -> keyStore = GlobalOptions.value(args, i + 1, a);
            case "-keystorepassword", "--keystorepassword" -> keyStorePassword = GlobalOptions.value(args, i + 1, a);
            case "-nohostnameverification", "--nohostnameverification" -> hostnameVerification = false;
            case "-client-configuration", "--client-configuration" -> readFile(GlobalOptions.value(args, i + 1, a), a);
            default -> {
                return 0;
            }
        }
        return a.endsWith("tls") || a.endsWith("nohostnameverification") ? 1 : 2;
    }

    private void readFile(String file, String option) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UsageException(option + ": cannot read " + file + ": " + e.getMessage());
        }
        secure |= Boolean.parseBoolean(p.getProperty("zookeeper.client.secure", "false").trim());
        trustStore = orElse(trustStore, p.getProperty("zookeeper.ssl.trustStore.location"));
        trustStorePassword = orElse(trustStorePassword, p.getProperty("zookeeper.ssl.trustStore.password"));
        trustStoreType = orElse(trustStoreType, p.getProperty("zookeeper.ssl.trustStore.type"));
        keyStore = orElse(keyStore, p.getProperty("zookeeper.ssl.keyStore.location"));
        keyStorePassword = orElse(keyStorePassword, p.getProperty("zookeeper.ssl.keyStore.password"));
        keyStoreType = orElse(keyStoreType, p.getProperty("zookeeper.ssl.keyStore.type"));
        protocol = orElse(protocol, p.getProperty("zookeeper.ssl.protocol"));
        String verify = p.getProperty("zookeeper.ssl.hostnameVerification");
        if (hostnameVerification == null && verify != null) {
            hostnameVerification = Boolean.parseBoolean(verify.trim());
        }
    }

    private static String orElse(String given, String fromFile) {
        return given != null ? given : fromFile == null ? null : fromFile.trim();
    }

    /** The TLS settings, or null for plaintext; store options without -tls are a usage error. */
    ClientTls build() {
        if (!secure) {
            if (trustStore != null || keyStore != null) {
                throw new UsageException("-truststore/-keystore need -tls (or zookeeper.client.secure=true)");
            }
            return null;
        }
        ClientTls.Builder b = ClientTls.builder();
        if (trustStore != null) {
            b.trustStore(Path.of(trustStore), trustStorePassword, trustStoreType);
        }
        if (keyStore != null) {
            b.keyStore(Path.of(keyStore), keyStorePassword, keyStoreType);
        }
        if (protocol != null && !protocol.isBlank()) {
            b.protocols(protocol);
        }
        if (hostnameVerification != null) {
            b.hostnameVerification(hostnameVerification);
        }
        return b.build();
    }
}
