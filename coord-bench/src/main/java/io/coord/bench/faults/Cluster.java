package io.coord.bench.faults;

import io.coord.client.FourLetterWords;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * The ensemble under test, one member per namespace of a {@link NetLab}, each on the standard ports
 * (client 2181, quorum 2888, election 3888) of its own address. Coord members are started with the
 * normal {@code bin/coord-server start} and a zoo.cfg; ZooKeeper members (the oracle) with
 * QuorumPeerMain and the same settings. tickTime 200 ms (syncLimit 5 ticks: a silent partition is
 * noticed within about a second), fsync on.
 */
final class Cluster implements AutoCloseable {
    static final int CLIENT_PORT = 2181;
    static final int TICK_TIME_MS = 200;
    static final int DATA_TMPFS_MB = 64;
    private static final String FILLER = "faults-filler";
    private static final String MEMBER_JVM_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    enum Kind { COORD, ZK }

    private final Kind kind;
    private final NetLab lab;
    private final Path home;
    private final Path workDir;
    private final Path logDir;
    private final String classPath;
    private final long[] pids;
    private final boolean tmpfsDataDirs;
    private final SlowDisk slowDisk;
    private final java.util.Set<Integer> mounted = new java.util.TreeSet<>();

    /**
     * {@code tmpfsDataDirs}: each member's dataDir is its own small tmpfs, so that a filler can fill it;
     * {@code slowDisk}: every member runs with that shim preloaded (null: none).
     */
    Cluster(Kind kind, NetLab lab, Path home, Path workDir, Path logDir, String classPath, boolean tmpfsDataDirs,
            SlowDisk slowDisk) {
        this.tmpfsDataDirs = tmpfsDataDirs;
        this.slowDisk = slowDisk;
        this.kind = kind;
        this.lab = lab;
        this.home = home;
        this.workDir = workDir;
        this.logDir = logDir;
        this.classPath = classPath;
        this.pids = new long[lab.members() + 1];
    }

    int size() {
        return lab.members();
    }

    Kind kind() {
        return kind;
    }

    private Path dataDir(int id) {
        return workDir.resolve("data" + id);
    }

    private Path writeConfig(int id) throws IOException {
        Path data = dataDir(id);
        Files.createDirectories(data);
        if (tmpfsDataDirs && !mounted.contains(id) && Shell.run("mount", "-t", "tmpfs", "-o",
                "size=" + DATA_TMPFS_MB + "m", "tmpfs", data.toString()).ok()) {
            mounted.add(id); // if it cannot be mounted, the disk fault is not applied (see fillDisk)
        }
        Files.writeString(data.resolve("myid"), id + "\n");
        StringBuilder cfg = new StringBuilder()
                .append("tickTime=").append(TICK_TIME_MS).append("\ninitLimit=10\nsyncLimit=5\n")
                .append("dataDir=").append(data.toAbsolutePath()).append('\n')
                .append("clientPort=").append(CLIENT_PORT).append('\n')
                .append("clientPortAddress=").append(lab.address(id)).append('\n')
                .append("maxSessionTimeout=30000\n4lw.commands.whitelist=*\n");
        // Both kinds: no AdminServer is needed here, and members on one host would all ask for 8080.
        cfg.append("admin.enableServer=false\n");
        for (int m = 1; m <= size(); m++) {
            cfg.append("server.").append(m).append('=').append(lab.address(m)).append(":2888:3888\n");
        }
        Path file = workDir.resolve("member" + id + ".cfg");
        Files.writeString(file, cfg.toString());
        return file;
    }

    /** Starts member {@code id} in its namespace; returns once its process runs (not once it serves). */
    synchronized void start(int id) throws IOException {
        Path cfg = writeConfig(id);
        Files.createDirectories(logDir);
        // env: the member's own variables (and the slow-disk shim) reach the JVM through ip netns exec.
        List<String> env = new ArrayList<>(List.of("ip", "netns", "exec", lab.namespace(id), "env"));
        if (slowDisk != null) {
            env.addAll(slowDisk.environment(id));
        }
        if (kind == Kind.COORD) {
            List<String> cmd = new ArrayList<>(env);
            cmd.addAll(List.of("COORD_JVM_OPTS=" + MEMBER_JVM_OPTS, "COORD_LOG_DIR=" + logDir.toAbsolutePath(),
                    "COORD_CLASSPATH=" + classPath, home.resolve("bin/coord-server").toString(), "start", cfg.toString()));
            Shell.Result r = Shell.run(cmd);
            if (!r.ok()) {
                throw new IOException("bin/coord-server start failed for member " + id + ": " + r.output());
            }
            pids[id] = Long.parseLong(Files.readString(dataDir(id).resolve("coord-server.pid")).trim());
        } else {
            List<String> cmd = new ArrayList<>(env);
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(List.of(MEMBER_JVM_OPTS.split(" ")));
            cmd.addAll(List.of("-Dzookeeper.jmx.log4j.disable=true", "-cp", classPath,
                    "org.apache.zookeeper.server.quorum.QuorumPeerMain", cfg.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("zk-member" + id + ".out").toFile()))
                    .start();
            pids[id] = p.pid(); // ip netns exec and env exec the command: same pid
        }
    }

    void startAll() throws IOException {
        for (int id = 1; id <= size(); id++) {
            start(id);
        }
    }

    synchronized boolean running(int id) {
        return pids[id] > 0 && Shell.processAlive(pids[id]);
    }

    /** SIGKILL, and waits until the process is gone. */
    synchronized void kill9(int id) throws InterruptedException {
        if (pids[id] > 0) {
            Shell.run("kill", "-9", Long.toString(pids[id]));
            for (int i = 0; i < 200 && Shell.processAlive(pids[id]); i++) {
                Thread.sleep(25);
            }
            pids[id] = 0;
        }
    }

    synchronized void signal(int id, String signal) {
        if (pids[id] > 0) {
            Shell.run("kill", "-" + signal, Long.toString(pids[id]));
        }
    }

    /** Writes a filler into the member's dataDir until the disk is full. */
    void fillDisk(int id) throws IOException {
        if (!mounted.contains(id)) {
            throw new IllegalStateException("member " + id + "'s dataDir is not a tmpfs of its own (mount failed)");
        }
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(dataDir(id).resolve(FILLER))) {
            for (int mb = 0; mb <= DATA_TMPFS_MB; mb++) {
                out.write(block);
            }
        } catch (IOException full) {
            return; // no space left: what we wanted
        }
        throw new IOException("member " + id + "'s dataDir did not fill up");
    }

    /** Deletes every filler: the disks have room again. */
    void freeDisks() throws IOException {
        for (int id = 1; id <= size(); id++) {
            Files.deleteIfExists(dataDir(id).resolve(FILLER));
        }
    }

    /** pid of member {@code id}'s process (0: not started or killed). */
    synchronized long pid(int id) {
        return pids[id];
    }

    /**
     * A member's fsyncs so far and their total time, from mntr's fsynctime figures; for Coord also its
     * group commits (log forces) and the ops they made durable (-1 when the member does not say).
     */
    record FsyncFigures(long count, double totalMs, long batches, double batchOps) {
        FsyncFigures(long count, double totalMs) {
            this(count, totalMs, -1, -1);
        }

        /** Mean ms of the fsyncs since {@code before}; NaN if there were none (or the member restarted). */
        double meanMsSince(FsyncFigures before) {
            long n = count - before.count;
            return n > 0 ? (totalMs - before.totalMs) / n : Double.NaN;
        }

        /** Mean ops per group commit since {@code before}; NaN if unknown or none. */
        double opsPerBatchSince(FsyncFigures before) {
            long n = batches - before.batches;
            return batches >= 0 && before.batches >= 0 && n > 0 ? (batchOps - before.batchOps) / n : Double.NaN;
        }
    }

    /**
     * mntr's {@code zk_cnt_fsynctime} and {@code zk_avg_fsynctime} (ms; Coord and ZooKeeper both give
     * them, cumulative since start), with Coord's {@code zk_coord_group_commit_batches} and
     * {@code _batch_avg}; null if the member does not answer.
     */
    FsyncFigures fsyncFigures(int id) {
        String mntr = fourLetterWord(id, "mntr");
        if (mntr == null) {
            return null;
        }
        java.util.Map<String, String> values = new java.util.HashMap<>();
        for (String line : mntr.split("\n")) {
            String[] kv = line.split("\t");
            if (kv.length == 2) {
                values.put(kv[0], kv[1].trim());
            }
        }
        if (!values.containsKey("zk_cnt_fsynctime") || !values.containsKey("zk_avg_fsynctime")) {
            return null;
        }
        long count = Long.parseLong(values.get("zk_cnt_fsynctime"));
        double totalMs = count * Double.parseDouble(values.get("zk_avg_fsynctime"));
        String batches = values.get("zk_coord_group_commit_batches");
        String batchAvg = values.get("zk_coord_group_commit_batch_avg");
        if (batches == null || batchAvg == null) {
            return new FsyncFigures(count, totalMs);
        }
        long b = Long.parseLong(batches);
        return new FsyncFigures(count, totalMs, b, b * Double.parseDouble(batchAvg));
    }

    /** From now on member {@code id}'s fsyncs take {@code fsyncMs} longer (0: normal again). */
    void slowDisk(int id, long fsyncMs) throws IOException {
        if (slowDisk == null) {
            throw new IllegalStateException("the slow-disk shim is not loaded (built with gcc at the run's start)");
        }
        slowDisk.set(id, fsyncMs, 0);
    }

    /** Every member's fsyncs normal again. */
    void fastDisks() throws IOException {
        if (slowDisk != null) {
            slowDisk.clear(size());
        }
    }

    /** srvr's Mode ("leader", "follower", ...), or null if it does not answer. */
    String mode(int id) {
        String srvr = fourLetterWord(id, "srvr");
        if (srvr == null) {
            return null;
        }
        for (String line : srvr.split("\n")) {
            if (line.startsWith("Mode: ")) {
                return line.substring(6).trim();
            }
        }
        return "not serving";
    }

    /** srvr's Zxid line, or null. */
    String zxid(int id) {
        String srvr = fourLetterWord(id, "srvr");
        if (srvr != null) {
            for (String line : srvr.split("\n")) {
                if (line.startsWith("Zxid: ")) {
                    return line.substring(6).trim();
                }
            }
        }
        return null;
    }

    /** The one member that says it leads, or -1. */
    int leader() {
        int leader = -1;
        for (int id = 1; id <= size(); id++) {
            if ("leader".equals(mode(id))) {
                if (leader > 0) {
                    return -1;
                }
                leader = id;
            }
        }
        return leader;
    }

    String fourLetterWord(int id, String word) {
        String answer = FourLetterWords.ask(new InetSocketAddress(lab.address(id), CLIENT_PORT), word);
        return answer == null ? null : answer.trim();
    }

    String connectString() {
        StringJoiner j = new StringJoiner(",");
        for (int id = 1; id <= size(); id++) {
            j.add(lab.address(id) + ":" + CLIENT_PORT);
        }
        return j.toString();
    }

    @Override
    public synchronized void close() throws InterruptedException {
        for (int id = 1; id <= size(); id++) {
            signal(id, "CONT");
            kill9(id);
        }
        for (int id : mounted) {
            Shell.run("umount", "-l", dataDir(id).toString());
        }
        mounted.clear();
    }
}
