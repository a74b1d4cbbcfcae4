package io.coord.clientit;

import io.coord.client.ClientOptions;
import io.coord.client.CoordClient;
import io.coord.client.RetryPolicy;
import io.coord.server.compat.TestTarget;
import io.coord.wire.Acl;
import io.coord.wire.CreateMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/** One server per test class, one client per test, and a fresh root node per test. */
abstract class ClientItBase {
    static {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.coord.client"))
                .setLevel(ch.qos.logback.classic.Level.INFO);
    }

    static TestTarget server;

    final List<CoordClient> clients = new ArrayList<>();
    CoordClient client;
    String root;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestTarget.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void connect(TestInfo info) {
        client = open(options().build());
        root = "/" + info.getTestMethod().orElseThrow().getName();
        client.create(root, new byte[0], Acl.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    @AfterEach
    void closeClients() {
        clients.forEach(CoordClient::close);
    }

    ClientOptions.Builder options() {
        return ClientOptions.builder().sessionTimeoutMs(2000).connectionTimeoutMs(5000).retryPolicy(RetryPolicy.NONE);
    }

    CoordClient open(ClientOptions options) {
        return open(server.connectString(), options);
    }

    CoordClient open(String connectString, ClientOptions options) {
        CoordClient c = CoordClient.connect(connectString, options);
        clients.add(c);
        return c;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    String p(String child) {
        return root + "/" + child;
    }

    /**
     * {@code c} after a sync: the reads that follow see every write acknowledged to any session
     * before. On an ensemble target a session's member may lag the one that answered a write.
     */
    static CoordClient synced(CoordClient c, String path) {
        c.sync(path);
        return c;
    }
}
