package io.coord.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** The free-space test a member stopped by a full disk waits on before it starts again. */
public final class FreeSpace {
    /** Free space the log's file system needs before the member starts again after it filled up. */
    public static final long DEFAULT_RESUME_FREE_BYTES = 16L << 20;

    private FreeSpace() {
    }

    /** True when the usable space of dir's file system is at least {@code bytes}. */
    public static BooleanSupplier atLeast(Path dir, long bytes) {
        return () -> {
            try {
                return Files.getFileStore(dir).getUsableSpace() >= bytes;
            } catch (IOException e) {
                return false;
            }
        };
    }

    /**
     * True when the file systems of the member's data directory (snapshots, epochs) and log
     * directory both have {@code bytes} usable: either may be the one that filled up.
     */
    public static BooleanSupplier forMember(Path dataDir, Path dataLogDir, long bytes) {
        BooleanSupplier log = atLeast(dataLogDir, bytes);
        if (dataDir.equals(dataLogDir)) {
            return log;
        }
        BooleanSupplier data = atLeast(dataDir, bytes);
        return () -> log.getAsBoolean() && data.getAsBoolean();
    }
}
