package io.coord.bench.scale;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap of another local JVM through {@code jcmd}: {@code GC.run} (a full, System.gc()-style
 * collection) then {@code GC.heap_info}, whose heap lines say {@code used NK}. Works the same for
 * Coord and ZooKeeper, whatever collector they run (G1 prints one heap line, Serial and Parallel
 * one per generation; all lines before Metaspace are summed).
 */
final class JvmProbe {
    private static final Pattern USED_KB = Pattern.compile("used (\\d+)K");
    private static final long JCMD_TIMEOUT_SECONDS = 120;

    private final String jcmd;

    JvmProbe() {
        Path sibling = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        this.jcmd = Files.isExecutable(sibling) ? sibling.toString() : "jcmd";
    }

    /** Runs a full GC in {@code pid} and returns the heap it still uses, in bytes. */
    long heapUsedAfterFullGc(long pid) throws IOException, InterruptedException {
        run(pid, "GC.run");
        return parseHeapUsedBytes(run(pid, "GC.heap_info"));
    }

    /** The first {@code lines} lines of the live-object class histogram (jcmd GC.class_histogram; a full GC first). */
    String histogram(long pid, int lines) throws IOException, InterruptedException {
        String[] all = run(pid, "GC.class_histogram").split("\n");
        return String.join("\n", java.util.Arrays.asList(all).subList(0, Math.min(all.length, lines))) + "\n";
    }

    static long parseHeapUsedBytes(String heapInfo) {
        long usedKb = 0;
        boolean found = false;
        for (String line : heapInfo.split("\n")) {
            if (line.contains("Metaspace")) {
                break;
            }
            Matcher m = USED_KB.matcher(line);
            if (m.find()) {
                usedKb += Long.parseLong(m.group(1));
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("no 'used NK' heap line in jcmd GC.heap_info output:\n" + heapInfo);
        }
        return usedKb * 1024;
    }

    private String run(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(jcmd, Long.toString(pid), command)).redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            throw new IOException("jcmd " + pid + " " + command + " did not finish in " + JCMD_TIMEOUT_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed (" + p.exitValue() + "): " + output);
        }
        return output;
    }
}
