package io.coord.server.quorum;

import io.coord.server.config.DynamicConfig;
import io.coord.server.config.DynamicConfigFiles;
import io.coord.server.config.ServerAddress;
import io.coord.server.config.ServerConfig;
import io.coord.server.zab.Membership;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a member does with each committed configuration it takes (the core's
 * {@code Actions.configChanges}, on the request thread): its links follow the new membership
 * (new members dialed, removed ones dropped, moved ones redialed at their new quorum address, and
 * its own quorum listener moved when its line names another quorum address:
 * {@link QuorumTransport#updateMembers}), and with a
 * config file it writes the dynamic file and rewrites the config file as ZooKeeper does
 * ({@link DynamicConfigFiles}), so a restart starts from this membership; when its own line names a
 * client address other than the one it listens on, its client port moves there
 * ({@link io.coord.server.net.ClientServer#rebindPlain}). Its own role follows from
 * the core (observer, participant, or no part at all once removed).
 */
final class MembershipChanges {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipChanges.class);
    private final ServerConfig config;
    private final QuorumTransport transport;
    /** Given this member's client address from each configuration; moves the client port if it differs. */
    private final Consumer<InetSocketAddress> clientAddress;

    MembershipChanges(ServerConfig config, QuorumTransport transport, Consumer<InetSocketAddress> clientAddress) {
        this.config = config;
        this.transport = transport;
        this.clientAddress = clientAddress;
    }

    void take(Membership m) {
        DynamicConfig c = DynamicConfig.parseOrNull(m.encoded());
        if (c == null) {
            LOG.error("member {}: committed configuration {} carries no readable membership; links unchanged",
                    config.myId(), m);
            return;
        }
        c = c.withVersion(m.version());
        LOG.info("member {} takes configuration version {}: {} ({})", config.myId(), Long.toHexString(m.version()),
                m, c.servers().containsKey(config.myId()) ? "a member" : "not a member");
        transport.updateMembers(c.servers());
        ServerAddress me = c.servers().get(config.myId());
        if (me != null && me.clientAddress() != null) {
            // As ZooKeeper's processReconfig: a line without a client part leaves the port where it is.
            clientAddress.accept(me.clientAddress());
        }
        Path file = config.reconfig().configFile();
        if (file == null) {
            return; // built in code: nothing to rewrite (ZooKeeper: "writeToDisk == true but configFilename == null")
        }
        try {
            Path dynamic = DynamicConfigFiles.persist(file, c, config.myId());
            LOG.info("member {} wrote {} and pointed {} at it", config.myId(), dynamic, file);
        } catch (IOException e) {
            LOG.error("member {}: cannot write the dynamic config next to {}: {}", config.myId(), file, e.toString());
        }
    }
}
