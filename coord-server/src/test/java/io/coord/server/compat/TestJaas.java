package io.coord.server.compat;

import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.URIParameter;
import javax.security.auth.login.Configuration;

/**
 * JAAS for the SASL tests. {@link #install} makes a JAAS file this JVM's {@link Configuration}
 * (where the stock client looks up its login section) until {@link #close}, which puts the
 * previous configuration back. JAAS is JVM-global, so tests install it for their own client
 * sections only and restore it, rather than setting {@code java.security.auth.login.config}: with
 * that property set every plain stock client in this JVM would look for a {@code Client} section
 * and fail without one.
 */
public final class TestJaas implements AutoCloseable {
    private final Configuration previous;

    private TestJaas(Configuration previous) {
        this.previous = previous;
    }

    public static TestJaas install(Path jaasFile) throws NoSuchAlgorithmException {
        Configuration previous = current();
        Configuration.setConfiguration(Configuration.getInstance("JavaLoginConfig",
                new URIParameter(jaasFile.toUri())));
        return new TestJaas(previous);
    }

    /**
     * The JAAS sections of quorum SASL (DigestLoginModule, ZooKeeper's section names): QuorumServer
     * admits member "member" with {@code serverPassword}, QuorumLearner logs in as it with
     * {@code learnerPassword}.
     */
    public static String quorumSections(String serverPassword, String learnerPassword) {
        return """
                QuorumServer {
                       org.apache.zookeeper.server.auth.DigestLoginModule required
                       user_member="%s";
                };
                QuorumLearner {
                       org.apache.zookeeper.server.auth.DigestLoginModule required
                       username="member"
                       password="%s";
                };
                """.formatted(serverPassword, learnerPassword);
    }

    /** The JVM's JAAS configuration, or null when none is set up (then the JDK throws). */
    public static Configuration current() {
        try {
            return Configuration.getConfiguration();
        } catch (SecurityException noConfiguration) {
            return null;
        }
    }

    @Override
    public void close() {
        Configuration.setConfiguration(previous);
    }
}
