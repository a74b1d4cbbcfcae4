package io.coord.server.config;

/** One {@code server.N=host:quorumPort:electionPort[:observer]} line. */
public record ServerAddress(long id, String host, int quorumPort, int electionPort, boolean observer) {
}
