package io.coord.bench.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The delay, jitter and duplication nemeses' means: a userspace netem (netdelay.c, a resource of
 * this package; this kernel has no sch_netem). For a fault, one netdelay process runs inside the
 * member's namespace with a TUN device; each peer's address is routed through that device, so what
 * the member sends to the peer is read by the process, held (and maybe copied) and sent out of the
 * member's interface through a raw socket whose packets carry a firewall mark, which an
 * {@code ip rule} sends by a table of its own to the real interface (and so not back into the TUN
 * device). Healing removes the routes, stops the process (which first sends what it still holds)
 * and removes the rule and table. The TUN device and its routes go with the process, also when it
 * is killed; the namespace's removal takes the rest. Built with gcc into the run's work directory
 * when the schedule has such faults; without gcc they are not applied (the nemesis log says why).
 */
final class NetDelay {
    /** Inside the member's namespace; the device (and its routes) live as long as the process. */
    static final String TUN = "ndly0";
    static final int MARK = 0xcf5;
    static final int TABLE = 3061;
    /** Routes through the TUN device go after a blackhole for the same peer (metric 0): partitions still cut. */
    private static final String METRIC = "10";
    private static final String SOURCE = "netdelay.c";
    private static final long READY_WAIT_MS = 5_000;
    /** Longer than the longest hold (500 ms + 50 % jitter): the process sends what it holds before it exits. */
    private static final long STOP_WAIT_MS = 3_000;

    /** What one process does: hold each packet {@code delayMs} ± {@code jitterMs}, send {@code duplicatePercent} % twice. */
    record Settings(long delayMs, long jitterMs, int duplicatePercent, long seed) {
        /** Both faults on one member at once: the larger of each figure. */
        Settings merge(Settings other) {
            return new Settings(Math.max(delayMs, other.delayMs), Math.max(jitterMs, other.jitterMs),
                    Math.max(duplicatePercent, other.duplicatePercent), seed);
        }
    }

    private record Running(Process process, Path output, String device, Set<String> peers, Settings settings) {
    }

    private final Path binary;
    private final Path dir;
    private final Map<String, Running> running = new TreeMap<>();

    private NetDelay(Path binary, Path dir) {
        this.binary = binary;
        this.dir = dir;
    }

    /** Compiles netdelay into {@code dir}; throws with the reason (no gcc, compile error) when it cannot be built. */
    static NetDelay build(Path dir) throws IOException {
        return new NetDelay(Shell.compile(SOURCE, dir, "netdelay", "-O2"), dir);
    }

    /**
     * From now on what the member of {@code namespace} (address {@code source}, interface
     * {@code device}) sends to each of {@code peers} passes through a netdelay process with these
     * settings. A process already there for that member is replaced by one with both faults' figures.
     */
    synchronized void start(String namespace, String source, String device, Set<String> peers, Settings settings)
            throws IOException {
        Set<String> all = new LinkedHashSet<>(peers);
        Running before = running.get(namespace);
        if (before != null) {
            all.addAll(before.peers());
            settings = settings.merge(before.settings());
            stop(namespace);
        }
        Path output = dir.resolve("netdelay-" + namespace + ".out");
        Process p = new ProcessBuilder("ip", "netns", "exec", namespace, binary.toString(), "-i", TUN, "-m",
                Integer.toString(MARK), "-d", Long.toString(settings.delayMs()), "-j",
                Long.toString(settings.jitterMs()), "-p", Integer.toString(settings.duplicatePercent()), "-s",
                Long.toString(settings.seed())).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        running.put(namespace, new Running(p, output, device, all, settings));
        try {
            awaitReady(p, output);
            Shell.run("ip", "-n", namespace, "rule", "del", "fwmark", Integer.toString(MARK));
            Shell.must("ip", "-n", namespace, "rule", "add", "fwmark", Integer.toString(MARK), "lookup",
                    Integer.toString(TABLE));
            for (String peer : all) {
                Shell.must("ip", "-n", namespace, "route", "replace", peer + "/32", "dev", device, "table",
                        Integer.toString(TABLE));
                Shell.must("ip", "-n", namespace, "route", "replace", peer + "/32", "dev", TUN, "src", source,
                        "metric", METRIC);
            }
        } catch (IOException | RuntimeException e) {
            stop(namespace);
            throw e;
        }
    }

    private static void awaitReady(Process p, Path output) throws IOException {
        long deadline = System.currentTimeMillis() + READY_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            String out = Files.readString(output, StandardCharsets.UTF_8);
            if (out.startsWith("ready ")) {
                return;
            }
            if (!p.isAlive()) {
                throw new IOException("netdelay exited (" + p.exitValue() + "): " + out.trim());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while netdelay started", e);
            }
        }
        throw new IOException("netdelay did not start within " + READY_WAIT_MS + " ms");
    }

    /** Every member's traffic direct again; one line of figures per process stopped ("m2 netdelay: ..."). */
    synchronized List<String> stopAll() {
        List<String> figures = new ArrayList<>();
        for (String namespace : List.copyOf(running.keySet())) {
            figures.add(namespace.substring(namespace.lastIndexOf('-') + 1) + " " + stop(namespace));
        }
        return figures;
    }

    /** Routes removed first (nothing new comes in), then SIGTERM: the process sends what it holds and exits. */
    private String stop(String namespace) {
        Running r = running.remove(namespace);
        for (String peer : r.peers()) {
            Shell.run("ip", "-n", namespace, "route", "del", peer + "/32", "dev", TUN, "metric", METRIC);
        }
        r.process().destroy();
        try {
            if (!r.process().waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS)) {
                r.process().destroyForcibly().waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            r.process().destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Shell.run("ip", "-n", namespace, "rule", "del", "fwmark", Integer.toString(MARK));
        Shell.run("ip", "-n", namespace, "route", "flush", "table", Integer.toString(TABLE));
        return lastLine(r.output());
    }

    private static String lastLine(Path output) {
        try {
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1).trim();
            return last.startsWith("netdelay:") ? last : "netdelay: no figures (killed?) " + last;
        } catch (IOException e) {
            return "netdelay: no figures (" + e.getMessage() + ")";
        }
    }
}
