package io.coord.server.admin;

import io.coord.server.config.ServerConfig;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanException;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZooKeeper's JMX beans, under its names ({@code org.apache.ZooKeeperService}), so a JMX console
 * or exporter set up for ZooKeeper finds the same objects and attributes. Standalone:
 * {@code name0=StandaloneServer_port<port>} (the server) and {@code ...,name1=InMemoryDataTree}.
 * An ensemble member: {@code name0=ReplicatedServer_id<myid>} (the quorum),
 * {@code ...,name1=replica.<myid>} (this peer), {@code ...,name2=Leader|Follower} (the server, while
 * it leads or follows) and {@code ...,name3=InMemoryDataTree}; the role beans follow role changes
 * (checked every {@value #REFRESH_MS} ms). Every attribute read takes one {@link StatusSource}
 * status (gathered on the request thread, as four-letter words are); nothing here touches the tree.
 * Coord registers them on the platform MBean server; remote JMX is the JVM's own
 * ({@code -Dcom.sun.management.jmxremote.port=...}, see bin/coord-server's JMXPORT).
 */
public final class JmxBeans implements AutoCloseable {
    static final String DOMAIN = "org.apache.ZooKeeperService";
    static final long REFRESH_MS = 2_000;
    private static final long STATUS_WAIT_MS = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(JmxBeans.class);

    private final MBeanServer server;
    private final StatusSource source;
    private final ServerConfig config;
    /** Addresses from the configuration the member goes by now (after any reconfig). */
    private final MemberAddresses addresses;
    private final long startMs = System.currentTimeMillis();
    private final List<ObjectName> registered = new ArrayList<>();
    private final ScheduledExecutorService refresher;
    private String roleRegistered;

    private JmxBeans(MBeanServer server, StatusSource source, ServerConfig config) {
        this.server = server;
        this.source = source;
        this.config = config;
        this.addresses = new MemberAddresses(config);
        this.refresher = config.standalone() ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coord-jmx");
            t.setDaemon(true);
            return t;
        });
    }

    /** Registers the beans on the platform MBean server; a name already taken is logged and skipped. */
    public static JmxBeans start(StatusSource source, ServerConfig config, int clientPort) {
        JmxBeans beans = new JmxBeans(ManagementFactory.getPlatformMBeanServer(), source, config);
        if (config.standalone()) {
            String base = DOMAIN + ":name0=StandaloneServer_port" + clientPort;
            beans.register(base, beans.serverBean(clientPort));
            beans.register(base + ",name1=InMemoryDataTree", beans.dataTreeBean());
        } else {
            String base = DOMAIN + ":name0=ReplicatedServer_id" + config.myId();
            beans.register(base, beans.quorumBean());
            beans.register(base + ",name1=replica." + config.myId(), beans.peerBean(clientPort));
            beans.refreshRole(clientPort);
            beans.refresher.scheduleWithFixedDelay(() -> beans.refreshRole(clientPort), REFRESH_MS, REFRESH_MS,
                    TimeUnit.MILLISECONDS);
        }
        return beans;
    }

    /** While this member leads or follows, its server bean is there under that role's name. */
    private synchronized void refreshRole(int clientPort) {
        String role;
        try {
            QuorumStatus q = status(StatusSource.Scope.SUMMARY).quorum();
            role = q == null || q.leaderId() < 0 ? null : q.leaderId() == q.myId() ? "Leader"
                    : q.observing() ? "Observer" : "Follower";
        } catch (RuntimeException e) {
            role = null;
        }
        if (java.util.Objects.equals(role, roleRegistered)) {
            return;
        }
        String replica = DOMAIN + ":name0=ReplicatedServer_id" + config.myId() + ",name1=replica." + config.myId();
        if (roleRegistered != null) {
            unregister(replica + ",name2=" + roleRegistered);
            unregister(replica + ",name2=" + roleRegistered + ",name3=InMemoryDataTree");
        }
        if (role != null) {
            register(replica + ",name2=" + role, serverBean(clientPort));
            register(replica + ",name2=" + role + ",name3=InMemoryDataTree", dataTreeBean());
        }
        roleRegistered = role;
    }

    private ServerStatus status(StatusSource.Scope scope) {
        try {
            return source.status(scope).get(STATUS_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the server's status");
        } catch (Exception e) {
            throw new IllegalStateException("the server's status could not be read: " + e);
        }
    }

    /** ZooKeeperServerBean's attributes that Coord has (ZooKeeper's names and types). */
    private StatusBean serverBean(int clientPort) {
        Map<String, Function<ServerStatus, Object>> a = new LinkedHashMap<>();
        a.put("Version", ServerStatus::version);
        a.put("StartTime", s -> new java.util.Date(startMs).toString());
        a.put("ClientPort", s -> MemberAddresses.hostPort(addresses.client(s, clientPort)));
        a.put("TickTime", s -> config.tickTimeMs());
        a.put("MinSessionTimeout", s -> config.minSessionTimeoutMs());
        a.put("MaxSessionTimeout", s -> config.maxSessionTimeoutMs());
        a.put("MaxClientCnxnsPerHost", s -> config.maxClientCnxns());
        a.put("MaxCnxns", s -> config.maxCnxns());
        a.put("JuteMaxBufferSize", s -> config.juteMaxBuffer());
        a.put("OutstandingRequests", s -> (long) s.outstandingRequests());
        a.put("PacketsReceived", ServerStatus::packetsReceived);
        a.put("PacketsSent", ServerStatus::packetsSent);
        a.put("AvgRequestLatency", ServerStatus::avgLatencyMsExact);
        a.put("MinRequestLatency", ServerStatus::minLatencyMs);
        a.put("MaxRequestLatency", ServerStatus::maxLatencyMs);
        a.put("NumAliveConnections", s -> (long) s.connections().size());
        a.put("LogDirSize", ServerStatus::logBytes);
        a.put("DataDirSize", ServerStatus::snapshotBytes);
        return new StatusBean("the server (ZooKeeperServerBean's attributes)", a,
                List.of("resetStatistics", "resetLatency", "resetMaxLatency"));
    }

    private StatusBean dataTreeBean() {
        Map<String, Function<ServerStatus, Object>> a = new LinkedHashMap<>();
        a.put("NodeCount", s -> (int) s.nodeCount());
        a.put("WatchCount", s -> s.watchCount());
        a.put("LastZxid", s -> "0x" + Long.toHexString(s.zxid()));
        return new StatusBean("the data tree (DataTreeBean)", a, List.of());
    }

    private StatusBean quorumBean() {
        Map<String, Function<ServerStatus, Object>> a = new LinkedHashMap<>();
        a.put("Name", s -> "ReplicatedServer_id" + config.myId());
        a.put("QuorumSize", s -> s.quorum() == null ? 0 : s.quorum().voters());
        return new StatusBean("the quorum (QuorumBean)", a, List.of());
    }

    private StatusBean peerBean(int clientPort) {
        Map<String, Function<ServerStatus, Object>> a = new LinkedHashMap<>();
        a.put("Name", s -> "replica." + config.myId());
        a.put("State", s -> s.quorum() == null ? "looking" : MonitorValues.peerState(s.quorum()).split(" - ")[0]);
        a.put("ZabState", s -> s.quorum() == null ? "election" : s.quorum().zabState());
        a.put("LeaderId", s -> s.quorum() == null ? -1L : s.quorum().leaderId());
        a.put("ClientAddress", s -> MemberAddresses.hostPort(addresses.client(s, clientPort)));
        a.put("LearnerType", s -> "PARTICIPANT");
        a.put("QuorumAddress", s -> {
            var me = addresses.me(s);
            return me == null ? "" : me.host() + ":" + me.quorumPort();
        });
        a.put("ElectionAddress", s -> {
            var me = addresses.me(s);
            return me == null ? "" : me.host() + ":" + me.electionPort();
        });
        return new StatusBean("this peer (LocalPeerBean)", a, List.of());
    }

    private void register(String name, StatusBean bean) {
        try {
            ObjectName on = new ObjectName(name);
            server.registerMBean(bean, on);
            synchronized (registered) {
                registered.add(on);
            }
        } catch (JMException e) {
            LOG.warn("JMX bean {} not registered: {}", name, e.toString());
        }
    }

    private void unregister(String name) {
        try {
            ObjectName on = new ObjectName(name);
            synchronized (registered) {
                registered.remove(on);
            }
            if (server.isRegistered(on)) {
                server.unregisterMBean(on);
            }
        } catch (JMException e) {
            LOG.warn("JMX bean {} not unregistered: {}", name, e.toString());
        }
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
        List<ObjectName> names;
        synchronized (registered) {
            names = new ArrayList<>(registered);
        }
        names.forEach(n -> unregister(n.toString()));
    }

    /** Read-only attributes, each computed from one fresh status; operations reset the counters. */
    private final class StatusBean implements DynamicMBean {
        private final String description;
        private final Map<String, Function<ServerStatus, Object>> attributes;
        private final List<String> resetOperations;

        StatusBean(String description, Map<String, Function<ServerStatus, Object>> attributes,
                   List<String> resetOperations) {
            this.description = description;
            this.attributes = attributes;
            this.resetOperations = resetOperations;
        }

        @Override
        public Object getAttribute(String name) throws AttributeNotFoundException, MBeanException {
            Function<ServerStatus, Object> f = attributes.get(name);
            if (f == null) {
                throw new AttributeNotFoundException(name);
            }
            try {
                return f.apply(status(StatusSource.Scope.SUMMARY));
            } catch (RuntimeException e) {
                throw new MBeanException(e, e.getMessage());
            }
        }

        @Override
        public AttributeList getAttributes(String[] names) {
            AttributeList list = new AttributeList();
            ServerStatus s;
            try {
                s = status(StatusSource.Scope.SUMMARY);
            } catch (RuntimeException e) {
                return list;
            }
            for (String n : names) {
                Function<ServerStatus, Object> f = attributes.get(n);
                if (f != null) {
                    list.add(new Attribute(n, f.apply(s)));
                }
            }
            return list;
        }

        @Override
        public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
            throw new AttributeNotFoundException(attribute.getName() + " is read-only");
        }

        @Override
        public AttributeList setAttributes(AttributeList attributes) {
            return new AttributeList();
        }

        @Override
        public Object invoke(String action, Object[] params, String[] signature) throws MBeanException,
                ReflectionException {
            if (!resetOperations.contains(action)) {
                throw new ReflectionException(new NoSuchMethodException(action));
            }
            // Coord resets latency and packet counters together (srst), whichever ZooKeeper operation asks.
            status(StatusSource.Scope.RESET_STATS);
            return null;
        }

        @Override
        public MBeanInfo getMBeanInfo() {
            ServerStatus s;
            try {
                s = status(StatusSource.Scope.SUMMARY);
            } catch (RuntimeException e) {
                s = null;
            }
            ServerStatus now = s;
            MBeanAttributeInfo[] infos = attributes.entrySet().stream()
                    .map(e -> new MBeanAttributeInfo(e.getKey(), typeOf(e.getValue(), now), e.getKey(), true, false,
                            false))
                    .toArray(MBeanAttributeInfo[]::new);
            MBeanOperationInfo[] ops = resetOperations.stream()
                    .map(n -> new MBeanOperationInfo(n, n, null, "void", MBeanOperationInfo.ACTION))
                    .toArray(MBeanOperationInfo[]::new);
            return new MBeanInfo(StatusBean.class.getName(), description, infos, null, ops, null);
        }

        private static String typeOf(Function<ServerStatus, Object> attribute, ServerStatus s) {
            Object v = s == null ? null : attribute.apply(s);
            return v == null ? Object.class.getName() : v.getClass().getName();
        }
    }
}
