package io.coord.bench.faults;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code bin/coord-faults}: a Jepsen-style run against an ensemble of real processes in network
 * namespaces. Exit codes: 0 every checker valid, 1 a violation (or a checker could not decide),
 * 2 usage, 3 a seed's run could not be completed (harness error; the other seeds ran), 77 unavailable
 * here (not root / no iproute2: nothing ran).
 */
public final class FaultsMain {
    public static final int EXIT_UNAVAILABLE = 77;
    public static final int EXIT_NOT_COMPLETED = 3;

    private FaultsMain() {
    }

    public static void main(String[] args) {
        System.exit(execute(Arrays.asList(args), System.out, System.err));
    }

    static String usage() {
        return """
                usage: coord-faults [--seed S] [--duration 60s] [--members 3|5] [--target coord|zk]
                                    [--nemesis partition,net,kill,pause,disk[,slowdisk][,netdelay]] [--report DIR]
                                    [--register-clients 4] [--set-clients 2] [--lock-clients 3]
                                    [--ephemeral-owners 2] [--watch-clients 2] [--queue-clients 2]
                                    [--oneshot-clients 2] [--seeds N] [--reads sync|nosync]
                  --nemesis takes groups (partition, net/netem, kill, pause, disk, slowdisk, netdelay) or single
                    faults (isolate, halves, bridge, one_way, clients, loss, reorder, slow, kill, pause, disk,
                    slowdisk, delay, duplicate); default: every group but slowdisk and netdelay (both need gcc:
                    an LD_PRELOAD shim slows fsyncs; a userspace netem delays, jitters and duplicates packets)
                  --seeds N runs seeds S, S+1, ... S+N-1; each run writes DIR/<target>-m<members>-seed<S>/
                    (DIR: --report, default faults-report/ in the install)
                  --reads nosync: register reads skip sync (allowed to be stale: shows the checker catches it)
                  needs root and iproute2 (ip, tc); exits 77 without running when they are missing
                  exit: 0 all valid, 1 a violation, 3 a seed's run could not be completed (harness error)
                """;
    }

    public static int execute(List<String> args, PrintStream out, PrintStream err) {
        long seed = System.currentTimeMillis() % 100_000;
        long durationMs = 60_000;
        int members = 3;
        int seeds = 1;
        int registerClients = 4;
        int setClients = 2;
        int lockClients = 3;
        int ephemeralOwners = 2;
        int watchClients = 2;
        int queueClients = 2;
        int oneShotClients = 2;
        Cluster.Kind target = Cluster.Kind.COORD;
        List<String> nemeses = List.of("partition", "net", "kill", "pause", "disk");
        Path report = null;
        boolean syncReads = true;
        try {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("--help") || a.equals("-h")) {
                    out.print(usage());
                    return 0;
                }
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("missing value for " + a);
                }
                String v = args.get(++i);
                switch (a) {
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--duration" -> durationMs = parseDurationMs(v);
                    case "--members" -> members = Integer.parseInt(v);
                    case "--seeds" -> seeds = Integer.parseInt(v);
                    case "--target" -> target = Cluster.Kind.valueOf(v.trim().toUpperCase(Locale.ROOT));
                    case "--nemesis" -> nemeses = List.of(v.split(","));
                    case "--report" -> report = Path.of(v);
                    case "--register-clients" -> registerClients = Integer.parseInt(v);
                    case "--set-clients" -> setClients = Integer.parseInt(v);
                    case "--lock-clients" -> lockClients = Integer.parseInt(v);
                    case "--ephemeral-owners" -> ephemeralOwners = Integer.parseInt(v);
                    case "--watch-clients" -> watchClients = Integer.parseInt(v);
                    case "--queue-clients" -> queueClients = Integer.parseInt(v);
                    case "--oneshot-clients" -> oneShotClients = Integer.parseInt(v);
                    case "--reads" -> syncReads = switch (v) {
                        case "sync" -> true;
                        case "nosync" -> false;
                        default -> throw new IllegalArgumentException("--reads sync|nosync");
                    };
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (members < 1 || members > 9 || seeds < 1 || durationMs < 10_000) {
                throw new IllegalArgumentException("members 1..9, seeds >= 1, duration >= 10s");
            }
            List<Fault.Type> types = Fault.types(nemeses);
            Path home = home();
            Path base = report != null ? report : home.resolve("faults-report");
            int worst = 0;
            for (long s = seed; s < seed + seeds; s++) {
                Path dir = base.resolve(target.name().toLowerCase(Locale.ROOT) + "-m" + members + "-seed" + s);
                try {
                    FaultRun.Result r = FaultRun.run(new FaultRun.Options(s, durationMs, members, types, target, dir,
                            home, classPath(), registerClients, setClients, lockClients, ephemeralOwners,
                            watchClients, queueClients, oneShotClients, syncReads), out);
                    worst = Math.max(worst, r.valid() ? 0 : 1);
                } catch (FaultRun.Unavailable | InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    // The harness could not finish this seed (no verdict): say so, go on with the next.
                    err.println("coord-faults: seed " + s + ": run not completed (harness error, no verdict): " + e);
                    e.printStackTrace(err);
                    worst = worst == 1 ? 1 : EXIT_NOT_COMPLETED;
                }
            }
            return worst;
        } catch (FaultRun.Unavailable e) {
            err.println("coord-faults: skipped: " + e.getMessage());
            return EXIT_UNAVAILABLE;
        } catch (IllegalArgumentException e) {
            err.println("coord-faults: " + e.getMessage());
            err.print(usage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            err.println("coord-faults: failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    static long parseDurationMs(String v) {
        String t = v.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ms")) {
            return Long.parseLong(t.substring(0, t.length() - 2));
        }
        if (t.endsWith("m")) {
            return Long.parseLong(t.substring(0, t.length() - 1)) * 60_000;
        }
        return Long.parseLong(t.endsWith("s") ? t.substring(0, t.length() - 1) : t) * 1000;
    }

    /** This JVM's class path (under surefire, the test class path): members and ZooKeeper run from it. */
    static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** The install: -Dcoord.home, else the first directory up from here that has bin/coord-server. */
    static Path home() {
        String prop = System.getProperty("coord.home");
        if (prop != null) {
            return Path.of(prop).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("bin/coord-server"))) {
                return p;
            }
        }
        throw new IllegalArgumentException("cannot find bin/coord-server; set -Dcoord.home");
    }
}
