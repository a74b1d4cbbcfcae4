package io.coord.server.sim;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The java.nio.file view of a {@link SimDisk}: the real storage classes open, write, force, list,
 * rename and delete through {@link java.nio.file.Files} and {@link FileChannel#open} on paths of
 * this file system, unchanged. (The JDK's own seam: a path carries its file system's provider, so
 * production code pays nothing for it.) Only what the storage stack uses is offered.
 */
final class SimFileSystem extends FileSystem {
    private final SimDisk disk;
    private final Provider provider = new Provider();

    SimFileSystem(SimDisk disk) {
        this.disk = disk;
    }

    @Override
    public FileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() {
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        return List.of(SimPath.parse(this, "/"));
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        return List.of();
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return Set.of("basic");
    }

    @Override
    public Path getPath(String first, String... more) {
        return SimPath.parse(this, more.length == 0 ? first : first + "/" + String.join("/", more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        throw new UnsupportedOperationException();
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        throw new UnsupportedOperationException();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException();
    }

    private SimDisk.Inode existing(Path path) throws NoSuchFileException {
        SimDisk.Inode inode = disk.lookup((SimPath) path.toAbsolutePath());
        if (inode == null) {
            throw new NoSuchFileException(path.toString());
        }
        return inode;
    }

    private SimDisk.Inode parentOf(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        SimDisk.Inode dir = parent == null ? null : disk.lookup((SimPath) parent);
        if (dir == null || !dir.directory) {
            throw new NoSuchFileException(path.toString(), null, "no parent directory");
        }
        return dir;
    }

    private static String nameOf(Path path) {
        return path.getFileName().toString();
    }

    private final class Provider extends FileSystemProvider {
        @Override
        public String getScheme() {
            return "simfs";
        }

        @Override
        public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileSystem getFileSystem(URI uri) {
            return SimFileSystem.this;
        }

        @Override
        public Path getPath(URI uri) {
            return SimPath.parse(SimFileSystem.this, uri.getPath());
        }

        @Override
        public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
                throws IOException {
            boolean write = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
            SimDisk.Inode inode = disk.lookup((SimPath) path.toAbsolutePath());
            if (inode != null && options.contains(StandardOpenOption.CREATE_NEW)) {
                throw new FileAlreadyExistsException(path.toString());
            }
            if (inode == null) {
                if (!options.contains(StandardOpenOption.CREATE) && !options.contains(StandardOpenOption.CREATE_NEW)) {
                    throw new NoSuchFileException(path.toString());
                }
                SimDisk.Inode dir = parentOf(path);
                inode = new SimDisk.Inode(false);
                disk.link(dir, nameOf(path), inode);
            }
            if (inode.directory && write) {
                throw new IOException(path + ": Is a directory");
            }
            if (write && options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
                disk.truncate(inode, 0);
            }
            SimFileChannel ch = new SimFileChannel(disk, inode, write);
            if (options.contains(StandardOpenOption.APPEND)) {
                ch.position(inode.size);
            }
            return ch;
        }

        @Override
        public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
                                                  FileAttribute<?>... attrs) throws IOException {
            return newFileChannel(path, options, attrs);
        }

        @Override
        public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
                throws IOException {
            SimDisk.Inode inode = existing(dir);
            if (!inode.directory) {
                throw new java.nio.file.NotDirectoryException(dir.toString());
            }
            List<Path> paths = new ArrayList<>();
            for (String name : inode.entries.keySet()) {
                Path p = dir.resolve(name);
                if (filter.accept(p)) {
                    paths.add(p);
                }
            }
            return new DirectoryStream<>() {
                @Override
                public Iterator<Path> iterator() {
                    return paths.iterator();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
            SimDisk.Inode parent = parentOf(dir);
            if (parent.entries.containsKey(nameOf(dir))) {
                throw new FileAlreadyExistsException(dir.toString());
            }
            disk.link(parent, nameOf(dir), new SimDisk.Inode(true));
        }

        @Override
        public void delete(Path path) throws IOException {
            SimDisk.Inode inode = existing(path);
            if (inode.directory && !inode.entries.isEmpty()) {
                throw new DirectoryNotEmptyException(path.toString());
            }
            disk.unlink(parentOf(path), nameOf(path));
        }

        @Override
        public void copy(Path source, Path target, CopyOption... options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void move(Path source, Path target, CopyOption... options) throws IOException {
            existing(source);
            SimDisk.Inode dir = parentOf(source);
            if (parentOf(target) != dir) {
                throw new UnsupportedOperationException("the simulated disk renames within a directory only");
            }
            boolean replace = List.of(options).contains(StandardCopyOption.REPLACE_EXISTING)
                    || List.of(options).contains(StandardCopyOption.ATOMIC_MOVE); // rename(2) replaces
            if (!replace && dir.entries.containsKey(nameOf(target))) {
                throw new FileAlreadyExistsException(target.toString());
            }
            disk.rename(dir, nameOf(source), nameOf(target));
        }

        @Override
        public boolean isSameFile(Path path, Path path2) {
            return path.toAbsolutePath().equals(path2.toAbsolutePath());
        }

        @Override
        public boolean isHidden(Path path) {
            return false;
        }

        @Override
        public FileStore getFileStore(Path path) {
            throw new UnsupportedOperationException("no file store in the simulated file system");
        }

        @Override
        public void checkAccess(Path path, AccessMode... modes) throws IOException {
            existing(path);
        }

        @Override
        public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
            return null;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
                throws IOException {
            if (type != BasicFileAttributes.class) {
                throw new UnsupportedOperationException(type.getName());
            }
            SimDisk.Inode inode = existing(path);
            return (A) new Attributes(inode);
        }

        @Override
        public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
            throw new UnsupportedOperationException();
        }
    }

    private record Attributes(SimDisk.Inode inode) implements BasicFileAttributes {
        @Override
        public FileTime lastModifiedTime() {
            return FileTime.fromMillis(0);
        }

        @Override
        public FileTime lastAccessTime() {
            return FileTime.fromMillis(0);
        }

        @Override
        public FileTime creationTime() {
            return FileTime.fromMillis(0);
        }

        @Override
        public boolean isRegularFile() {
            return !inode.directory;
        }

        @Override
        public boolean isDirectory() {
            return inode.directory;
        }

        @Override
        public boolean isSymbolicLink() {
            return false;
        }

        @Override
        public boolean isOther() {
            return false;
        }

        @Override
        public long size() {
            return inode.directory ? 0 : inode.size;
        }

        @Override
        public Object fileKey() {
            return inode;
        }
    }
}
