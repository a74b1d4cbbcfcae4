package io.coord.cli;

import io.coord.client.ClientOptions;
import io.coord.client.ClientTls;
import io.coord.client.ConnectionState;
import io.coord.client.CoordClient;
import io.coord.client.WatchEvent;
import io.coord.client.WatchListener;

/**
 * The shell's session: at most one {@link CoordClient}, replaced by {@code connect}, dropped by
 * {@code close} ({@code addauth} authenticates it in place). One listener serves every watch the shell sets, so
 * {@code removewatches} can remove them all by path and type, and prints each event.
 */
final class Connection implements AutoCloseable {
    private final Printer printer;
    private final int sessionTimeoutMs;
    private final int connectTimeoutMs;
    private final ClientTls tls;
    private final WatchListener watcher = this::onWatch;
    private CoordClient client;

    /** @param tls TLS for every connection the shell opens, or null for plaintext */
    Connection(Printer printer, int sessionTimeoutMs, int connectTimeoutMs, ClientTls tls) {
        this.printer = printer;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.connectTimeoutMs = connectTimeoutMs;
        this.tls = tls;
    }

    /** Closes any current session, then connects to {@code target}; throws when no server answers. */
    void connect(String target) {
        open(target);
    }

    private void open(String target) {
        close();
        ClientOptions options = ClientOptions.builder()
                .sessionTimeoutMs(sessionTimeoutMs)
                .connectionTimeoutMs(connectTimeoutMs)
                .tls(tls)
                .build();
        CoordClient c = CoordClient.connect(target, options);
        c.addConnectionStateListener(this::onState);
        client = c;
    }

    boolean isOpen() {
        return client != null;
    }

    /** The live client; a CliFailure when the shell has no session. */
    CoordClient client() {
        if (client == null) {
            throw notConnected();
        }
        return client;
    }

    WatchListener watcher() {
        return watcher;
    }

    @Override
    public void close() {
        if (client != null) {
            CoordClient c = client;
            client = null;
            c.close();
        }
    }

    private static CliFailure notConnected() {
        return new CliFailure("Not connected; use connect host:port");
    }

    private void onWatch(WatchEvent e) {
        printer.event("SyncConnected", eventTypeName(e), e.path(), e.zxid());
    }

    private void onState(ConnectionState state) {
        String keeperState = switch (state) {
            case SUSPENDED -> "Disconnected";
            case RECONNECTED, CONNECTED -> "SyncConnected";
            case LOST -> "Expired";
            case CLOSED -> null;
        };
        if (keeperState != null) {
            printer.event(keeperState, "None", null, 0);
        }
    }

    /** ZooKeeper's Watcher.Event.EventType names, which scripts reading zkCli output expect. */
    static String eventTypeName(WatchEvent e) {
        if (e.type() == null) {
            return "None";
        }
        return switch (e.type()) {
            case NODE_CREATED -> "NodeCreated";
            case NODE_DELETED -> "NodeDeleted";
            case NODE_DATA_CHANGED -> "NodeDataChanged";
            case NODE_CHILDREN_CHANGED -> "NodeChildrenChanged";
            case DATA_WATCH_REMOVED -> "DataWatchRemoved";
            case CHILD_WATCH_REMOVED -> "ChildWatchRemoved";
            case PERSISTENT_WATCH_REMOVED -> "PersistentWatchRemoved";
        };
    }
}
