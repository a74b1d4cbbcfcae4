package io.coord.bench.faults;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short host commands (ip, tc, kill, gcc) and captures what they print. */
final class Shell {
    private static final long TIMEOUT_SECONDS = 60;

    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Shell() {
    }

    /** Runs the command to completion (output and errors merged); exit code -1 if it could not run. */
    static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + command);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    static Result run(String... command) {
        return run(List.of(command));
    }

    /** Runs the command and fails with its output when it does not succeed. */
    static String must(String... command) {
        Result r = run(command);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + r.exitCode() + "): "
                    + r.output().trim());
        }
        return r.output();
    }

    /**
     * Compiles {@code source}, a C resource of this package, with gcc into {@code dir}/{@code output};
     * throws with the reason (no gcc, compile error) when it cannot be built. {@code flags} go after
     * the source (gcc takes -l options there).
     */
    static Path compile(String source, Path dir, String output, String... flags) throws IOException {
        Files.createDirectories(dir);
        Path copy = dir.resolve(source);
        try (InputStream in = Shell.class.getResourceAsStream(source)) {
            if (in == null) {
                throw new IOException(source + " is missing from the class path");
            }
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        Path binary = dir.resolve(output);
        List<String> cmd = new ArrayList<>(List.of("gcc", "-o", binary.toString(), copy.toString()));
        cmd.addAll(List.of(flags));
        Result gcc = run(cmd);
        if (!gcc.ok()) {
            throw new IOException(gcc.exitCode() == -1 ? "gcc is not installed (" + gcc.output().trim() + ")"
                    : "gcc could not build " + source + ": " + gcc.output().trim());
        }
        return binary;
    }

    static boolean processAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
