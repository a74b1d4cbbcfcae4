package io.coord.server.pipeline;

import io.coord.server.admin.MetricSummary;
import io.coord.server.admin.ProcessFigures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** Disk figures for four-letter words, read from the storage layer on demand. */
public interface StorageInfo {
    long logBytes();

    long snapshotBytes();

    long fsyncCount();

    long avgFsyncMicros();

    long maxFsyncMicros();

    /** Log forces that made a group commit batch durable (0 where nobody counts them). */
    default long groupCommitBatches() {
        return 0;
    }

    /** Ops in those batches, all together. */
    default long groupCommitOps() {
        return 0;
    }

    /** The largest group commit batch so far, in ops. */
    default long groupCommitBatchMax() {
        return 0;
    }

    /** ZooKeeper's summaries the log writer measures (fsynctime, snapshottime, sync_processor_batch_size). */
    default Map<String, MetricSummary> summaries() {
        return Map.of();
    }

    /** True while the log's disk is full and writes are refused. */
    default boolean diskFull() {
        return false;
    }

    /** Times the log's disk filled up since start. */
    default long diskFullEvents() {
        return 0;
    }

    /** ZooKeeper's counters kept by the process rather than the member ({@link ProcessFigures}); none by default. */
    default void putProcessCounters(Map<String, Long> into) {
    }

    /**
     * This, with the log writer's disk-full state and the process's figures (its counters here, its
     * summaries added to {@link #summaries()}): they outlive this incarnation of the member.
     */
    default StorageInfo withDiskFull(BooleanSupplier full, LongSupplier events, ProcessFigures process) {
        StorageInfo base = this;
        return new StorageInfo() {
            @Override
            public long logBytes() {
                return base.logBytes();
            }

            @Override
            public long snapshotBytes() {
                return base.snapshotBytes();
            }

            @Override
            public long fsyncCount() {
                return base.fsyncCount();
            }

            @Override
            public long avgFsyncMicros() {
                return base.avgFsyncMicros();
            }

            @Override
            public long maxFsyncMicros() {
                return base.maxFsyncMicros();
            }

            @Override
            public long groupCommitBatches() {
                return base.groupCommitBatches();
            }

            @Override
            public long groupCommitOps() {
                return base.groupCommitOps();
            }

            @Override
            public long groupCommitBatchMax() {
                return base.groupCommitBatchMax();
            }

            @Override
            public Map<String, MetricSummary> summaries() {
                Map<String, MetricSummary> m = new java.util.HashMap<>(base.summaries());
                process.putSummaries(m);
                return m;
            }

            @Override
            public void putProcessCounters(Map<String, Long> into) {
                process.putCounters(into);
            }

            @Override
            public boolean diskFull() {
                return full.getAsBoolean();
            }

            @Override
            public long diskFullEvents() {
                return events.getAsLong();
            }
        };
    }

    /**
     * Figures from the two directories' sizes and the log writer's fsync counters; the same for a
     * standalone server and an ensemble member, which differ only in who counts the fsyncs.
     */
    static StorageInfo of(Path dataLogDir, Path dataDir, LongSupplier fsyncCount,
                          LongSupplier fsyncTotalMicros, LongSupplier fsyncMaxMicros) {
        return of(dataLogDir, dataDir, new ZabStorageFigures(fsyncCount, fsyncTotalMicros, fsyncMaxMicros,
                () -> 0, () -> 0, () -> 0, Map::of));
    }

    /** Figures from the two directories' sizes and the member log's fsync and group commit counters. */
    static StorageInfo of(Path dataLogDir, Path dataDir, ZabStorage log) {
        return of(dataLogDir, dataDir, new ZabStorageFigures(log::fsyncCount, log::fsyncTotalMicros,
                log::fsyncMaxMicros, log::groupCommitBatches, log::groupCommitOps, log::groupCommitBatchMax,
                log::summaries));
    }

    /** The log writer's counters, read on demand. */
    record ZabStorageFigures(LongSupplier fsyncCount, LongSupplier fsyncTotalMicros, LongSupplier fsyncMaxMicros,
                             LongSupplier batches, LongSupplier batchOps, LongSupplier batchMax,
                             Supplier<Map<String, MetricSummary>> summaries) {
    }

    private static StorageInfo of(Path dataLogDir, Path dataDir, ZabStorageFigures f) {
        LongSupplier fsyncCount = f.fsyncCount();
        LongSupplier fsyncTotalMicros = f.fsyncTotalMicros();
        LongSupplier fsyncMaxMicros = f.fsyncMaxMicros();
        return new StorageInfo() {
            @Override
            public Map<String, MetricSummary> summaries() {
                return f.summaries().get();
            }

            @Override
            public long groupCommitBatches() {
                return f.batches().getAsLong();
            }

            @Override
            public long groupCommitOps() {
                return f.batchOps().getAsLong();
            }

            @Override
            public long groupCommitBatchMax() {
                return f.batchMax().getAsLong();
            }

            @Override
            public long logBytes() {
                return directorySize(dataLogDir);
            }

            @Override
            public long snapshotBytes() {
                return directorySize(dataDir);
            }

            @Override
            public long fsyncCount() {
                return fsyncCount.getAsLong();
            }

            @Override
            public long avgFsyncMicros() {
                long n = fsyncCount.getAsLong();
                return n == 0 ? 0 : fsyncTotalMicros.getAsLong() / n;
            }

            @Override
            public long maxFsyncMicros() {
                return fsyncMaxMicros.getAsLong();
            }
        };
    }

    /** Bytes in regular files under {@code dir}, or -1 when it cannot be read. */
    static long directorySize(Path dir) {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }
}
