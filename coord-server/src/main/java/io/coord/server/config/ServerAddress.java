package io.coord.server.config;

import java.net.InetSocketAddress;

/**
 * One {@code server.N=host:quorumPort:electionPort[:role][;[clientAddr:]clientPort]} line.
 *
 * @param clientAddress the member's client address from the part after ';' (the form ZooKeeper
 *                      writes in a dynamicConfigFile); null when the line has none
 */
public record ServerAddress(long id, String host, int quorumPort, int electionPort, boolean observer,
                            InetSocketAddress clientAddress) {

    public ServerAddress(long id, String host, int quorumPort, int electionPort, boolean observer) {
        this(id, host, quorumPort, electionPort, observer, null);
    }
}
