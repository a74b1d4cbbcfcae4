package io.coord.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * How the txn log writes and forces its segment files. {@link #REAL} is the plain channel calls;
 * tests pass their own to inject what a real disk does when it fills up (a short write, then
 * ENOSPC) or breaks (EIO from fsync) without needing a full file system.
 */
public interface LogIo {

    /** Writes every remaining byte of buf at the channel's position. */
    void write(FileChannel channel, ByteBuffer buf) throws IOException;

    /** Forces the file's data (and metadata when asked) to the device. */
    void force(FileChannel channel, boolean metaData) throws IOException;

    LogIo REAL = new LogIo() {
        @Override
        public void write(FileChannel channel, ByteBuffer buf) throws IOException {
            StorageFiles.writeFully(channel, buf);
        }

        @Override
        public void force(FileChannel channel, boolean metaData) throws IOException {
            channel.force(metaData);
        }
    };
}
