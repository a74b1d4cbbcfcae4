package io.coord.bench.target;

/**
 * One ensemble member's id and loopback ports, as its {@code server.N} line and {@code clientPort} say;
 * an observer's line ends {@code :observer} (both kinds understand it).
 */
public record MemberAddress(int id, int clientPort, int quorumPort, int electionPort, boolean observer) {
    public MemberAddress(int id, int clientPort, int quorumPort, int electionPort) {
        this(id, clientPort, quorumPort, electionPort, false);
    }

    public MemberAddress {
        if (id < 1) {
            throw new IllegalArgumentException("member ids start at 1, was " + id);
        }
    }

    /** {@code server.<id>=127.0.0.1:<quorumPort>:<electionPort>[:observer]} */
    public String serverLine() {
        return "server." + id + "=127.0.0.1:" + quorumPort + ":" + electionPort + (observer ? ":observer" : "");
    }

    public String clientAddress() {
        return "127.0.0.1:" + clientPort;
    }
}
