package io.coord.server.pipeline;

/** Disk figures for four-letter words, read from the storage layer on demand. */
public interface StorageInfo {
    long logBytes();

    long snapshotBytes();

    long fsyncCount();

    long avgFsyncMicros();

    long maxFsyncMicros();
}
