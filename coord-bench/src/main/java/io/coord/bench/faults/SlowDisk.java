package io.coord.bench.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The slow-disk nemesis's means: an LD_PRELOAD shim (slowdisk.c, a resource of this package) that
 * makes fsync, fdatasync and msync(MS_SYNC) (and, optionally, writes to regular files) of a member's
 * JVM sleep for the milliseconds in that member's control file before the real call. Nothing like
 * dm-delay exists on the machines here, so the device stays fast and the calls that wait for it are
 * slowed instead. The shim is compiled with gcc into the run's work directory when the run starts;
 * without gcc the slow-disk faults are not applied (the nemesis log says why).
 */
final class SlowDisk {
    static final String CONTROL_ENV = "COORD_SLOWDISK_CONTROL";
    private static final String SOURCE = "slowdisk.c";

    private final Path library;
    private final Path dir;

    private SlowDisk(Path library, Path dir) {
        this.library = library;
        this.dir = dir;
    }

    /**
     * Compiles the shim into {@code dir}; throws with the reason (no gcc, compile error) when it
     * cannot be built.
     */
    static SlowDisk build(Path dir) throws IOException {
        Path library = Shell.compile(SOURCE, dir, "slowdisk.so", "-shared", "-fPIC", "-O2", "-ldl");
        return new SlowDisk(library, dir);
    }

    Path library() {
        return library;
    }

    private Path control(int id) {
        return dir.resolve("slowdisk-m" + id + ".ctl");
    }

    /** The environment a member starts with: the shim preloaded, reading its own control file (no delay yet). */
    List<String> environment(int id) throws IOException {
        if (!Files.exists(control(id))) {
            set(id, 0, 0);
        }
        return List.of("LD_PRELOAD=" + library.toAbsolutePath(), CONTROL_ENV + "=" + control(id).toAbsolutePath());
    }

    /** From now on the member's fsyncs take {@code fsyncMs} longer, its writes to files {@code writeMs}. */
    void set(int id, long fsyncMs, long writeMs) throws IOException {
        // Written whole and renamed: the shim never reads half a number.
        Path tmp = dir.resolve("slowdisk-m" + id + ".ctl.tmp");
        Files.writeString(tmp, fsyncMs + " " + writeMs + "\n");
        Files.move(tmp, control(id), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Every member's disk fast again. */
    void clear(int members) throws IOException {
        for (int id = 1; id <= members; id++) {
            set(id, 0, 0);
        }
    }
}
