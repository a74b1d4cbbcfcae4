package io.coord.bench.faults;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hosts of a fault run: one Linux network namespace per member, each with its own address on a
 * private /24, joined to a bridge in the root namespace by a veth pair; the clients run in the root
 * namespace and reach the members through the bridge. Everything it creates is named
 * {@code cfz<pid>...} (the pid of the JVM that made it), so a later run can find and remove what a
 * killed run left behind.
 *
 * <p>Faults, without nftables/iptables or netem (this kernel has neither the binaries nor sch_netem):
 * a one-way drop is a blackhole route to the peer's address inside the sender's namespace (applies
 * to established connections too: the route is looked up again once the route table changes); loss
 * and reordering are a classic-BPF tc classifier that sends a random share of the packets for a peer
 * into an HTB class whose queue holds nothing (dropped) or sends them through a slow class (overtaken
 * by the rest); a slow link is an HTB class with a low rate. Fixed delay, jitter and duplication are
 * a userspace netem, {@link NetDelay}, when the run has one.
 */
final class NetLab implements AutoCloseable {
    static final String PREFIX = "cfz";
    private static final Pattern OWNED = Pattern.compile("^" + PREFIX + "(\\d+)[-bv].*");
    private static final String DEV = "eth0";

    private final String tag;
    private final int members;
    private final String subnet;
    private final List<String> blackholes = new ArrayList<>();
    private final Set<Integer> shaped = new LinkedHashSet<>();
    private NetDelay netDelay;
    private List<String> netDelayFigures = new ArrayList<>();

    NetLab(int members) {
        long pid = ProcessHandle.current().pid();
        this.tag = PREFIX + pid;
        this.members = members;
        this.subnet = "10." + (100 + (pid / 256) % 100) + "." + (pid % 256) + ".";
    }

    /** Null when namespaces can be made here, otherwise why not (the suite then skips). */
    static String unavailableReason() {
        Shell.Result id = Shell.run("id", "-u");
        if (!id.ok() || !id.output().trim().equals("0")) {
            return "not root (network namespaces need CAP_NET_ADMIN)";
        }
        if (!Shell.run("ip", "-V").ok() || !Shell.run("tc", "-V").ok()) {
            return "iproute2 (ip, tc) is not installed";
        }
        String probe = PREFIX + ProcessHandle.current().pid() + "-probe";
        Shell.Result made = Shell.run("ip", "netns", "add", probe);
        Shell.run("ip", "netns", "del", probe);
        return made.ok() ? null : "cannot create a network namespace: " + made.output().trim();
    }

    /** Removes namespaces and links that a run whose JVM is gone left behind (and their processes). */
    static List<String> cleanupLeftovers() {
        List<String> removed = new ArrayList<>();
        for (String line : Shell.run("ip", "netns", "list").output().split("\n")) {
            String name = line.trim().split(" ")[0];
            Matcher m = OWNED.matcher(name);
            if (m.matches() && !Shell.processAlive(Long.parseLong(m.group(1)))) {
                killProcessesIn(name);
                Shell.run("ip", "netns", "del", name);
                removed.add(name);
            }
        }
        for (String line : Shell.run("ip", "-o", "link", "show").output().split("\n")) {
            String[] parts = line.split(":\\s+");
            if (parts.length > 1) {
                String name = parts[1].split("@")[0];
                Matcher m = OWNED.matcher(name);
                if (m.matches() && !Shell.processAlive(Long.parseLong(m.group(1)))) {
                    Shell.run("ip", "link", "del", name);
                    removed.add(name);
                }
            }
        }
        return removed;
    }

    private static void killProcessesIn(String namespace) {
        for (String pid : Shell.run("ip", "netns", "pids", namespace).output().split("\\s+")) {
            if (!pid.isBlank()) {
                Shell.run("kill", "-CONT", pid.trim());
                Shell.run("kill", "-9", pid.trim());
            }
        }
    }

    void create() {
        String bridge = tag + "b";
        Shell.must("ip", "link", "add", bridge, "type", "bridge");
        Shell.must("ip", "addr", "add", clientAddress() + "/24", "dev", bridge);
        Shell.must("ip", "link", "set", bridge, "up");
        for (int id = 1; id <= members; id++) {
            String ns = namespace(id);
            String veth = tag + "v" + id;
            Shell.must("ip", "netns", "add", ns);
            Shell.must("ip", "-n", ns, "link", "set", "lo", "up");
            Shell.must("ip", "link", "add", veth, "type", "veth", "peer", "name", DEV, "netns", ns);
            Shell.must("ip", "link", "set", veth, "master", bridge, "up");
            Shell.must("ip", "-n", ns, "addr", "add", address(id) + "/24", "dev", DEV);
            Shell.must("ip", "-n", ns, "link", "set", DEV, "up");
        }
    }

    String namespace(int id) {
        return tag + "-m" + id;
    }

    String address(int id) {
        return subnet + (10 + id);
    }

    /** The bridge's address: where the clients' packets come from. */
    String clientAddress() {
        return subnet + "1";
    }

    int members() {
        return members;
    }

    /** Packets from {@code from} to {@code to} are dropped silently (the other direction still flows). */
    void dropOneWay(int from, int to) {
        blackhole(from, address(to));
    }

    /** Cuts {@code a} and {@code b} apart in both directions. */
    void cut(int a, int b) {
        dropOneWay(a, b);
        dropOneWay(b, a);
    }

    /** Replies from the member to the clients are dropped: it cannot serve them. */
    void cutFromClients(int id) {
        blackhole(id, clientAddress());
    }

    private synchronized void blackhole(int id, String destination) {
        Shell.must("ip", "-n", namespace(id), "route", "replace", "blackhole", destination + "/32");
        blackholes.add(id + " " + destination);
    }

    /** Drops the given share of the packets {@code id} sends to each of {@code peers}. */
    void loss(int id, double share, Set<Integer> peers) {
        shape(id);
        for (int peer : peers) {
            randomFilter(id, peer, share, "1:2");
        }
    }

    /** Sends the given share of the packets for each peer through a slow class: they arrive late, out of order. */
    void reorder(int id, double share, Set<Integer> peers) {
        shape(id);
        for (int peer : peers) {
            randomFilter(id, peer, share, "1:3");
        }
    }

    /** Limits what {@code id} sends to each of {@code peers} to {@code kbit} kbit/s (queueing delay under load). */
    void slow(int id, int kbit, Set<Integer> peers) {
        shape(id);
        tc(id, "class", "change", "dev", DEV, "parent", "1:", "classid", "1:3", "htb", "rate", kbit + "kbit",
                "ceil", kbit + "kbit");
        for (int peer : peers) {
            tc(id, "filter", "add", "dev", DEV, "parent", "1:", "protocol", "ip", "prio", "2", "u32", "match", "ip",
                    "dst", address(peer) + "/32", "flowid", "1:3");
        }
    }

    /** The userspace netem that {@link #netDelay(int, NetDelay.Settings, Set)} uses (null: none, such faults fail). */
    synchronized void useNetDelay(NetDelay tool) {
        this.netDelay = tool;
    }

    /** What {@code id} sends to each of {@code peers} is held (delay ± jitter) and maybe sent twice, until healed. */
    synchronized void netDelay(int id, NetDelay.Settings settings, Set<Integer> peers) throws java.io.IOException {
        if (netDelay == null) {
            throw new IllegalStateException("netdelay is not built (compiled with gcc at the run's start)");
        }
        Set<String> addresses = new LinkedHashSet<>();
        for (int peer : peers) {
            addresses.add(address(peer));
        }
        netDelay.start(namespace(id), address(id), DEV, addresses, settings);
    }

    /** The figures of the netdelay processes stopped by healing since the last call ("m2 netdelay: ..."). */
    synchronized List<String> takeNetDelayFigures() {
        List<String> figures = netDelayFigures;
        netDelayFigures = new ArrayList<>();
        return figures;
    }

    /** Root HTB on the member's interface: 1:1 everything by default, 1:2 drops all, 1:3 slow. */
    private synchronized void shape(int id) {
        if (!shaped.add(id)) {
            return;
        }
        tc(id, "qdisc", "add", "dev", DEV, "root", "handle", "1:", "htb", "default", "1", "r2q", "100000");
        tc(id, "class", "add", "dev", DEV, "parent", "1:", "classid", "1:1", "htb", "rate", "10gbit");
        tc(id, "class", "add", "dev", DEV, "parent", "1:", "classid", "1:2", "htb", "rate", "10gbit");
        tc(id, "qdisc", "add", "dev", DEV, "parent", "1:2", "handle", "2:", "pfifo", "limit", "0");
        tc(id, "class", "add", "dev", DEV, "parent", "1:", "classid", "1:3", "htb", "rate", "2mbit", "ceil", "2mbit");
        tc(id, "qdisc", "add", "dev", DEV, "parent", "1:3", "handle", "3:", "pfifo", "limit", "10000");
    }

    /**
     * A classic BPF classifier: IPv4 (ethertype at 12) to the peer (destination at 14 + 16), and a
     * random 32-bit number (ancillary load SKF_AD_RANDOM) below share × 2^32, goes to {@code classId}.
     */
    private void randomFilter(int id, int peer, double share, String classId) {
        long destination = ipv4(address(peer));
        long threshold = (long) Math.min(4294967295.0, share * 4294967296.0);
        String program = "8,40 0 0 12,21 0 5 2048,32 0 0 30,21 0 3 " + destination
                + ",32 0 0 4294963256,53 1 0 " + threshold + ",6 0 0 4294967295,6 0 0 0";
        tc(id, "filter", "add", "dev", DEV, "parent", "1:", "protocol", "ip", "prio", "1", "bpf", "bytecode", program,
                "classid", classId);
    }

    private static long ipv4(String address) {
        long value = 0;
        for (String part : address.split("\\.")) {
            value = value * 256 + Integer.parseInt(part);
        }
        return value;
    }

    private void tc(int id, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace(id), "tc"));
        cmd.addAll(List.of(args));
        Shell.Result r = Shell.run(cmd);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + r.output().trim());
        }
    }

    /** Removes every route, tc rule and netdelay process a fault added; the network is whole again. */
    synchronized void healAll() {
        if (netDelay != null) {
            netDelayFigures.addAll(netDelay.stopAll());
        }
        for (String entry : blackholes) {
            String[] parts = entry.split(" ");
            Shell.run("ip", "-n", namespace(Integer.parseInt(parts[0])), "route", "del", "blackhole", parts[1] + "/32");
        }
        blackholes.clear();
        for (int id : shaped) {
            Shell.run("ip", "netns", "exec", namespace(id), "tc", "qdisc", "del", "dev", DEV, "root");
        }
        shaped.clear();
    }

    /** The members' processes are killed, the namespaces (and with them the veths) and the bridge removed. */
    @Override
    public void close() {
        for (int id = 1; id <= members; id++) {
            killProcessesIn(namespace(id));
            Shell.run("ip", "netns", "del", namespace(id));
        }
        Shell.run("ip", "link", "del", tag + "b");
        for (int id = 1; id <= members; id++) {
            Shell.run("ip", "link", "del", tag + "v" + id);
        }
    }
}
