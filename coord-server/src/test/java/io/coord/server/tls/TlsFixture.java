package io.coord.server.tls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.TestPorts;
import io.coord.server.compat.StockClients;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Properties;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/** What the TLS tests share: zoo.cfg text for a TLS server, stock TLS clients and raw TLS/plain probes. */
public final class TlsFixture {
    static final int SESSION_TIMEOUT_MS = 4_000;
    static final Duration CONNECT_WAIT = Duration.ofSeconds(20);

    private TlsFixture() {
    }

    /**
     * A standalone server's zoo.cfg: clientPort and secureClientPort on loopback (free ports), the
     * server key store, client certificates checked against server-trust, clientAuth as given.
     */
    public static Properties serverProps(Path dataDir, TestCerts certs, String clientAuth) throws IOException {
        java.nio.file.Files.createDirectories(dataDir);
        Properties p = new Properties();
        p.setProperty("dataDir", dataDir.toString());
        p.setProperty("tickTime", "200");
        p.setProperty("clientPort", String.valueOf(TestPorts.next()));
        p.setProperty("clientPortAddress", "127.0.0.1");
        p.setProperty("secureClientPort", String.valueOf(TestPorts.next()));
        p.setProperty("secureClientPortAddress", "127.0.0.1");
        p.setProperty("4lw.commands.whitelist", "*");
        p.setProperty("admin.enableServer", "false");
        p.setProperty("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        p.setProperty("ssl.keyStore.location", certs.keyStore("server").toString());
        p.setProperty("ssl.keyStore.password", TestCerts.PASSWORD);
        p.setProperty("ssl.trustStore.location", certs.trustStore("server-trust").toString());
        p.setProperty("ssl.trustStore.password", TestCerts.PASSWORD);
        if (clientAuth != null) {
            p.setProperty("ssl.clientAuth", clientAuth);
        }
        return p;
    }

    /** The stock client's TLS settings, per client (no system property is touched). */
    static ZKClientConfig stockTlsConfig(TestCerts certs, String keyStoreName) {
        ZKClientConfig c = new ZKClientConfig();
        c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        c.setProperty("zookeeper.ssl.trustStore.location", certs.trustStore("client-trust").toString());
        c.setProperty("zookeeper.ssl.trustStore.password", TestCerts.PASSWORD);
        if (keyStoreName != null) {
            c.setProperty("zookeeper.ssl.keyStore.location", certs.keyStore(keyStoreName).toString());
            c.setProperty("zookeeper.ssl.keyStore.password", TestCerts.PASSWORD);
        }
        return c;
    }

    /** A stock client over TLS, connected (SyncConnected seen) to {@code connectString}. */
    static ZooKeeper stockTlsClient(String connectString, TestCerts certs, String keyStoreName, Watcher events)
            throws Exception {
        ZKClientConfig config = stockTlsConfig(certs, keyStoreName);
        return StockClients.connected(w -> new ZooKeeper(connectString, SESSION_TIMEOUT_MS, w, config), events,
                CONNECT_WAIT, connectString + " (TLS)");
    }

    /** A plaintext stock client, connected. */
    static ZooKeeper stockClient(String connectString) throws Exception {
        return StockClients.connected(w -> new ZooKeeper(connectString, SESSION_TIMEOUT_MS, w), e -> { },
                CONNECT_WAIT, connectString);
    }

    /** A JDK TLS context trusting client-trust (the servers) and presenting {@code keyStoreName} if given. */
    static SSLContext clientContext(TestCerts certs, String keyStoreName) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(certs.trustStore("client-trust")));
        KeyManagerFactory kmf = null;
        if (keyStoreName != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(certs.keyStore(keyStoreName)), TestCerts.PASSWORD.toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            ks.load(in, TestCerts.PASSWORD.toCharArray());
        }
        return ks;
    }

    /**
     * Opens a TLS connection to {@code port}, sends a ConnectRequest and reads the reply's length:
     * true when the server answers the handshake packet, false when it closes the connection or
     * the TLS handshake fails (with TLS 1.3 a refused client certificate shows only on the first read).
     */
    static boolean servedOverTls(SSLContext ctx, int port) throws IOException {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            return sendsConnectAndGetsAnswer(s);
        } catch (SSLException | SocketException e) {
            return false;
        }
    }

    /** Sends a plaintext ConnectRequest on a fresh socket: true when answered, false when closed. */
    static boolean servedInPlaintext(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            return sendsConnectAndGetsAnswer(s);
        } catch (SocketException e) {
            return false;
        }
    }

    private static boolean sendsConnectAndGetsAnswer(Socket s) throws IOException {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        // ConnectRequest: protocolVersion, lastZxidSeen, timeOut, sessionId, passwd (16 zero bytes), readOnly.
        out.writeInt(4 + 8 + 4 + 8 + 4 + 16 + 1);
        out.writeInt(0);
        out.writeLong(0);
        out.writeInt(SESSION_TIMEOUT_MS);
        out.writeLong(0);
        out.writeInt(16);
        out.write(new byte[16]);
        out.writeBoolean(false);
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        int first = in.read();
        assertTrue(first >= -1);
        return first != -1;
    }
}
