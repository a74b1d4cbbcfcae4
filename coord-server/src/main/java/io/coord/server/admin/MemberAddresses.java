package io.coord.server.admin;

import io.coord.server.config.DynamicConfig;
import io.coord.server.config.ServerAddress;
import io.coord.server.config.ServerConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Member addresses as the AdminServer's commands and the JMX beans show them: from the configuration
 * the member goes by now ({@link QuorumStatus#membership}, its last committed one), so a reconfig that
 * moved a member's client or quorum address is shown as ZooKeeper shows it after processReconfig; the
 * start-up configuration only when there is none (standalone). A member whose move failed (a port in
 * use: it logged it and kept its old listener) is shown at the address its configuration names.
 */
final class MemberAddresses {
    private final ServerConfig config;

    MemberAddresses(ServerConfig config) {
        this.config = config;
    }

    /** Every member of the current configuration by id (the start-up lines standalone, unreadable or {@code s} null). */
    Map<Long, ServerAddress> members(ServerStatus s) {
        QuorumStatus q = s == null ? null : s.quorum();
        DynamicConfig current = q == null || q.membership() == null ? null
                : DynamicConfig.parseOrNull(q.membership().getBytes(StandardCharsets.UTF_8));
        return current == null ? config.servers() : current.servers();
    }

    /** This member's line now, or its start-up line (null standalone, or once a reconfig removed it). */
    ServerAddress me(ServerStatus s) {
        ServerAddress now = members(s).get(config.myId());
        return now != null ? now : config.servers().get(config.myId());
    }

    /**
     * This member's client address now: its line's client part, else the start-up client address
     * with {@code boundPort} (-1: the configured port) when given.
     */
    InetSocketAddress client(ServerStatus s, int boundPort) {
        ServerAddress me = me(s);
        if (me != null && me.clientAddress() != null) {
            return me.clientAddress();
        }
        InetSocketAddress start = config.anyClientAddress();
        return boundPort < 0 ? start : InetSocketAddress.createUnresolved(start.getHostString(), boundPort);
    }

    static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
