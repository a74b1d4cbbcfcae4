package io.coord.server.tls;

import io.coord.server.TestPorts;
import io.coord.server.config.ServerAddress;
import io.coord.server.config.ServerConfig;
import io.coord.server.config.TlsConfig;
import io.coord.server.quorum.EnsembleMember;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A three-member in-process ensemble for the TLS tests, on free ports: every member's data
 * directory (with its myid), client port, tickTime 200, no connection limit and the server list
 * are the same in each test; the test adds its TLS settings to each member's builder (the usual
 * ones: {@link #quorumTls} and {@link #clientTls} on {@link #securePorts}).
 */
final class TlsMembers {
    static final int SIZE = 3;
    final int[] clientPorts = new int[SIZE];
    /** Free ports for secureClientPort, for the tests that open one. */
    final int[] securePorts = new int[SIZE];
    final Map<Long, ServerAddress> servers = new HashMap<>();

    TlsMembers() throws IOException {
        for (int i = 0; i < SIZE; i++) {
            clientPorts[i] = TestPorts.next();
            securePorts[i] = TestPorts.next();
            servers.put((long) i + 1, new ServerAddress(i + 1, "127.0.0.1", TestPorts.next(), TestPorts.next(), false));
        }
    }

    /** sslQuorum: every member presents "server" and trusts client-trust (server, server2); TLS 1.3 or 1.2. */
    static TlsConfig quorumTls(TestCerts certs) {
        return new TlsConfig(null, false,
                new TlsConfig.Store("ssl.quorum.keyStore", certs.keyStore("server"), TestCerts.PASSWORD.toCharArray(),
                        "PKCS12"),
                new TlsConfig.Store("ssl.quorum.trustStore", certs.trustStore("client-trust"),
                        TestCerts.PASSWORD.toCharArray(), "PKCS12"),
                TlsConfig.ClientAuth.NEED, List.of("TLSv1.3", "TLSv1.2"), List.of(), true, false);
    }

    /**
     * secureClientPort {@code securePort} on loopback: the server presents "server" and needs a client
     * certificate trusted by server-trust (clientA, clientB).
     */
    static TlsConfig clientTls(TestCerts certs, int securePort) {
        TlsConfig.Store keyStore = new TlsConfig.Store("ssl.keyStore", certs.keyStore("server"),
                TestCerts.PASSWORD.toCharArray(), "PKCS12");
        TlsConfig.Store trustStore = new TlsConfig.Store("ssl.trustStore", certs.trustStore("server-trust"),
                TestCerts.PASSWORD.toCharArray(), "PKCS12");
        return new TlsConfig(new InetSocketAddress("127.0.0.1", securePort), false, keyStore, trustStore,
                TlsConfig.ClientAuth.NEED, List.of("TLSv1.3", "TLSv1.2"), List.of(), true, true);
    }

    /**
     * Starts the members in id order, each with the common settings plus what {@code settings} adds
     * (given the member's index, 0-based), and adds each to {@code toClose} as soon as it runs.
     */
    List<EnsembleMember> start(Path dir, List<AutoCloseable> toClose,
            BiFunction<Integer, ServerConfig.Builder, ServerConfig.Builder> settings) throws Exception {
        List<EnsembleMember> members = new ArrayList<>();
        for (int i = 0; i < SIZE; i++) {
            long id = i + 1;
            Path data = Files.createDirectories(dir.resolve("member" + id));
            Files.writeString(data.resolve("myid"), id + "\n");
            ServerConfig.Builder common = ServerConfig.builder(data).clientPort(clientPorts[i]).tickTimeMs(200)
                    .maxClientCnxns(0).myId(id).servers(servers);
            EnsembleMember member = EnsembleMember.start(settings.apply(i, common).build());
            toClose.add(member);
            members.add(member);
        }
        return members;
    }
}
