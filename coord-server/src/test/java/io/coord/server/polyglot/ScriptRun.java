package io.coord.server.polyglot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a compatibility script as a subprocess with a deadline and captures its output. */
record ScriptRun(int exitCode, String output, boolean timedOut) {
    /** Output beyond this is cut: scripts print one short line per check. */
    private static final int MAX_OUTPUT_BYTES = 1 << 20;

    static ScriptRun run(List<String> command, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(
                () -> readBounded(process.getInputStream()));
        boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        String text;
        try {
            text = output.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            text = "(output unavailable: " + e + ")";
        }
        return new ScriptRun(finished ? process.exitValue() : -1, text, !finished);
    }

    private static String readBounded(InputStream in) {
        try (in) {
            byte[] bytes = in.readNBytes(MAX_OUTPUT_BYTES);
            in.transferTo(OutputStream.nullOutputStream()); // keep draining so the child never blocks
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Describes the run for an assertion message. */
    String describe(String what) {
        return what + (timedOut ? " timed out" : " exited " + exitCode) + "; output:\n" + output;
    }

    /** The repository's compat/ folder, found from the working directory upwards. */
    static Path compatDir() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("compat/kazoo_compat.py"))) {
                return p.resolve("compat");
            }
        }
        throw new IllegalStateException("no compat/ folder above " + dir);
    }
}
