package io.coord.server.net;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The part of {@link PortPicker}'s range one process picks from. Pickers in different processes
 * (two surefire forks, modules tested side by side, a benchmark next to a test run) each check that
 * a port is bindable, but between one's check and its server's bind the other may pick and bind the
 * same port (seen in CI: "Address already in use"). So each process claims one of {@link #SLICES}
 * slices by an exclusive lock on a file in the temp directory, held until the process ends (the OS
 * drops it even on SIGKILL), and picks only inside it. With every slice held, or no lock to be had,
 * it picks from the whole range as before.
 */
record PortSlice(int lowestPort, int ports) {
    static final int SLICES = 12;
    static final int PORTS_PER_SLICE = PortPicker.PORTS_IN_RANGE / SLICES;

    /** Holds the claimed slice's lock for the life of the process (lazy: claimed on first use). */
    private static final class OfThisProcess {
        private static final Claim CLAIM = claim(Path.of(System.getProperty("java.io.tmpdir"), "coord-port-slices"));
    }

    /** A slice and the lock that keeps it this process's; {@code lock} is null for the whole range. */
    record Claim(PortSlice slice, FileLock lock) {
    }

    static PortSlice whole() {
        return new PortSlice(PortPicker.LOWEST_PORT, PortPicker.PORTS_IN_RANGE);
    }

    static PortSlice ofThisProcess() {
        return OfThisProcess.CLAIM.slice();
    }

    /** The first slice whose lock file in {@code dir} no other holder has locked; the whole range otherwise. */
    static Claim claim(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return new Claim(whole(), null);
        }
        for (int i = 0; i < SLICES; i++) {
            FileLock lock = tryLock(dir.resolve("slice-" + i + ".lock"));
            if (lock != null) {
                return new Claim(new PortSlice(PortPicker.LOWEST_PORT + i * PORTS_PER_SLICE, PORTS_PER_SLICE), lock);
            }
        }
        return new Claim(whole(), null);
    }

    /** The file's lock, or null when another process (or another claim in this one) holds it. */
    private static FileLock tryLock(Path file) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock; // the channel stays open: closing it would release the lock
            }
        } catch (IOException | OverlappingFileLockException taken) {
            // not ours: try the next slice
        }
        closeQuietly(channel);
        return null;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was locked through it
            }
        }
    }
}
