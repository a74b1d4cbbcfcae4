package io.coord.server.tls;

import io.coord.server.TestPorts;
import io.coord.server.config.ServerAddress;
import io.coord.server.config.ServerConfig;
import io.coord.server.quorum.EnsembleMember;
import java.io.IOException;
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
 * are the same in each test; the test adds its TLS settings to each member's builder.
 */
final class TlsMembers {
    static final int SIZE = 3;
    final int[] clientPorts = new int[SIZE];
    final Map<Long, ServerAddress> servers = new HashMap<>();

    TlsMembers() throws IOException {
        for (int i = 0; i < SIZE; i++) {
            clientPorts[i] = TestPorts.next();
            servers.put((long) i + 1, new ServerAddress(i + 1, "127.0.0.1", TestPorts.next(), TestPorts.next(), false));
        }
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
