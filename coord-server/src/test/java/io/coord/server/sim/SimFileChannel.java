package io.coord.server.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** A channel on a file (or, for fsync, a directory) of a {@link SimDisk}. */
final class SimFileChannel extends FileChannel {
    private final SimDisk disk;
    private final SimDisk.Inode inode;
    private final boolean writable;
    private final int generation;
    private long position;

    SimFileChannel(SimDisk disk, SimDisk.Inode inode, boolean writable) {
        this.disk = disk;
        this.inode = inode;
        this.writable = writable;
        this.generation = disk.generation;
    }

    private void check() throws IOException {
        if (!isOpen() || generation != disk.generation) {
            throw new ClosedChannelException(); // closed, or opened before the machine crashed
        }
        if (inode.directory) {
            throw new IOException("Is a directory");
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = read(dst, position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public int read(ByteBuffer dst, long at) throws IOException {
        check();
        if (at >= inode.size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), inode.size - at);
        dst.put(inode.data, (int) at, n);
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            int n = read(dsts[i]);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            total += n;
        }
        return total;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = write(src, position);
        position += n;
        return n;
    }

    @Override
    public int write(ByteBuffer src, long at) throws IOException {
        check();
        if (!writable) {
            throw new java.nio.channels.NonWritableChannelException();
        }
        int n = src.remaining();
        disk.write(inode, at, src, n);
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(srcs[i]);
        }
        return total;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public FileChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        check();
        return inode.size;
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        check();
        disk.truncate(inode, size);
        position = Math.min(position, size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (!isOpen() || generation != disk.generation) {
            throw new ClosedChannelException();
        }
        disk.force(inode);
    }

    @Override
    public long transferTo(long at, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long at, long count) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long at, long size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long at, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(long at, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void implCloseChannel() {
    }
}
