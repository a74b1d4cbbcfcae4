package io.coord.client;

import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executor;

/** How a {@link CoordClient} connects and behaves. Immutable; build with {@link #builder()}. */
public final class ClientOptions {
    /** ZooKeeper's default {@code jute.maxbuffer}: the largest packet a server accepts. */
    public static final int DEFAULT_MAX_PACKET_BYTES = 0xfffff;

    private final int sessionTimeoutMs;
    private final int connectionTimeoutMs;
    private final RetryPolicy retryPolicy;
    private final String digestUser;
    private final byte[] digestAuth;
    private final String saslUser;
    private final char[] saslPassword;
    private final Executor callbackExecutor;
    private final int maxInFlight;
    private final int maxQueued;
    private final int maxPacketBytes;
    private final EventLoopGroup eventLoopGroup;
    private final Random random;
    private final FaultInjector faultInjector;
    private final ClientTls tls;

    private ClientOptions(Builder b) {
        sessionTimeoutMs = b.sessionTimeoutMs;
        connectionTimeoutMs = b.connectionTimeoutMs;
        retryPolicy = b.retryPolicy;
        digestUser = b.digestUser;
        digestAuth = b.digestAuth;
        saslUser = b.saslUser;
        saslPassword = b.saslPassword;
        callbackExecutor = b.callbackExecutor;
        maxInFlight = b.maxInFlight;
        maxQueued = b.maxQueued;
        maxPacketBytes = b.maxPacketBytes;
        eventLoopGroup = b.eventLoopGroup;
        random = b.random;
        faultInjector = b.faultInjector;
        tls = b.tls;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ClientOptions defaults() {
        return builder().build();
    }

    /** Requested session timeout; the server clamps it (usually to [2, 20] ticks). */
    public int sessionTimeoutMs() { return sessionTimeoutMs; }
    /** How long the first connect, and a request waiting for a connection, may take. */
    public int connectionTimeoutMs() { return connectionTimeoutMs; }
    public RetryPolicy retryPolicy() { return retryPolicy; }
    /** The digest user, or null when no digest auth is configured. */
    public String digestUser() { return digestUser; }
    byte[] digestAuth() { return digestAuth == null ? null : digestAuth.clone(); }
    /** The SASL (DIGEST-MD5) user every connection logs in as, or null for no SASL login. */
    public String saslUser() { return saslUser; }
    char[] saslPassword() { return saslPassword == null ? null : saslPassword.clone(); }
    /** The executor that runs callbacks, or null for a single thread owned by the client. */
    public Executor callbackExecutor() { return callbackExecutor; }
    public int maxInFlight() { return maxInFlight; }
    /** Requests allowed to wait (not yet sent) before new ones are refused. */
    public int maxQueued() { return maxQueued; }
    public int maxPacketBytes() { return maxPacketBytes; }
    /** A shared event loop group (not shut down by the client), or null for a private one. */
    public EventLoopGroup eventLoopGroup() { return eventLoopGroup; }
    /** TLS settings, or null for plaintext connections. */
    public ClientTls tls() { return tls; }
    Random random() { return random; }
    FaultInjector faultInjector() { return faultInjector; }

    public static final class Builder {
        private int sessionTimeoutMs = 30_000;
        private int connectionTimeoutMs = 15_000;
        private RetryPolicy retryPolicy = new ExponentialBackoff(100, 2_000, 5);
        private String digestUser;
        private byte[] digestAuth;
        private String saslUser;
        private char[] saslPassword;
        private Executor callbackExecutor;
        private int maxInFlight = 1000;
        private int maxQueued = 10_000;
        private int maxPacketBytes = DEFAULT_MAX_PACKET_BYTES;
        private EventLoopGroup eventLoopGroup;
        private Random random = new Random();
        private FaultInjector faultInjector;
        private ClientTls tls;

        private Builder() {
        }

        public Builder sessionTimeoutMs(int v) { sessionTimeoutMs = positive("sessionTimeoutMs", v); return this; }
        public Builder connectionTimeoutMs(int v) { connectionTimeoutMs = positive("connectionTimeoutMs", v); return this; }
        public Builder retryPolicy(RetryPolicy v) { retryPolicy = Objects.requireNonNull(v); return this; }
        public Builder maxInFlight(int v) { maxInFlight = positive("maxInFlight", v); return this; }
        public Builder maxQueued(int v) { maxQueued = positive("maxQueued", v); return this; }
        public Builder maxPacketBytes(int v) { maxPacketBytes = positive("maxPacketBytes", v); return this; }
        public Builder callbackExecutor(Executor v) { callbackExecutor = v; return this; }
        public Builder eventLoopGroup(EventLoopGroup v) { eventLoopGroup = v; return this; }
        /** Seeds host shuffling (tests). */
        public Builder random(Random v) { random = Objects.requireNonNull(v); return this; }
        /** Fault injection for tests; never set it in production. */
        public Builder faultInjector(FaultInjector v) { faultInjector = v; return this; }
        /** Connect with TLS (to the servers' secureClientPort); null: plaintext. */
        public Builder tls(ClientTls v) { tls = v; return this; }

        /**
         * Authenticates every connection with the {@code digest} scheme as {@code user:password};
         * if the server rejects it the client closes. See also {@link CoordClient#addAuth}.
         */
        public Builder digestAuth(String user, String password) {
            if (user == null || user.isEmpty() || user.indexOf(':') >= 0 || password == null) {
                throw new IllegalArgumentException("digest user must be non-empty without ':'");
            }
            digestUser = user;
            digestAuth = (user + ":" + password).getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /**
         * Logs every connection in with SASL DIGEST-MD5 as {@code user} (the server's JAAS
         * {@code Server} section has {@code user_<user>="<password>"}), before any other request, as
         * the stock client does; the session then has the identity {@code sasl:<user>}. If the
         * server rejects the login the client closes ({@link CoordClient#connect} throws
         * {@link CoordException.AuthFailedException}).
         */
        public Builder saslDigest(String user, String password) {
            if (user == null || user.isEmpty() || password == null) {
                throw new IllegalArgumentException("SASL user must be non-empty and the password non-null");
            }
            saslUser = user;
            saslPassword = password.toCharArray();
            return this;
        }

        /**
         * {@link #saslDigest} with the {@code username} and {@code password} options of a JAAS
         * section (the stock client's {@code Client} section, ZooKeeper's DigestLoginModule), read
         * from the JVM's JAAS configuration ({@code java.security.auth.login.config}) now.
         *
         * @throws IllegalArgumentException when there is no such section or it lacks either option
         */
        public Builder saslJaasSection(String section) {
            javax.security.auth.login.AppConfigurationEntry[] entries;
            try {
                entries = javax.security.auth.login.Configuration.getConfiguration().getAppConfigurationEntry(section);
            } catch (SecurityException e) {
                throw new IllegalArgumentException("cannot read the JAAS configuration: " + e.getMessage(), e);
            }
            if (entries != null) {
                for (javax.security.auth.login.AppConfigurationEntry e : entries) {
                    Object user = e.getOptions().get("username");
                    Object password = e.getOptions().get("password");
                    if (user != null && password != null) {
                        return saslDigest(user.toString(), password.toString());
                    }
                }
            }
            throw new IllegalArgumentException("no JAAS section '" + section + "' with username and password options");
        }

        public ClientOptions build() {
            return new ClientOptions(this);
        }

        private static int positive(String name, int v) {
            if (v <= 0) {
                throw new IllegalArgumentException(name + " must be > 0, got " + v);
            }
            return v;
        }
    }
}
