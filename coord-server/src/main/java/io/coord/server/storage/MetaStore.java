package io.coord.server.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Small named files (epochs, ids) replaced atomically: a crash leaves the old or the new content,
 * never a mix. Layout: {@code [int magic][int formatVersion][int length][content][int crc32c of
 * everything before it]}.
 */
public final class MetaStore {

    private static final int MAGIC = 0x434D4554; // "CMET"
    private static final int FORMAT_VERSION = 1;
    private static final int OVERHEAD_BYTES = 16;
    /** Meta files are tiny; the bound keeps a damaged length or a wrong file from costing memory. */
    public static final int MAX_CONTENT_BYTES = 1 << 20;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final Path dir;

    public MetaStore(Path dir) throws IOException {
        this.dir = dir;
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                StorageFiles.fsyncDirectory(parent);
            }
        }
    }

    public void write(String name, byte[] content) throws IOException {
        checkName(name);
        if (content.length > MAX_CONTENT_BYTES) {
            throw new IllegalArgumentException("meta content too large: " + content.length);
        }
        ByteBuffer buf = ByteBuffer.allocate(OVERHEAD_BYTES + content.length);
        buf.putInt(MAGIC).putInt(FORMAT_VERSION).putInt(content.length).put(content);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        StorageFiles.writeAtomically(dir.resolve(name), buf.array());
    }

    /**
     * @return empty if no file of that name exists
     * @throws CorruptFileException if the file exists but fails validation
     */
    public Optional<byte[]> read(String name) throws IOException {
        checkName(name);
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        long size = Files.size(file);
        if (size < OVERHEAD_BYTES || size > OVERHEAD_BYTES + MAX_CONTENT_BYTES) {
            throw new CorruptFileException(file, -1, "bad size " + size);
        }
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.capacity() - 4);
        if (buf.getInt(buf.capacity() - 4) != (int) crc.getValue()) {
            throw new CorruptFileException(file, -1, "checksum mismatch");
        }
        if (buf.getInt() != MAGIC || buf.getInt() != FORMAT_VERSION) {
            throw new CorruptFileException(file, 0, "bad magic or format version");
        }
        int length = buf.getInt();
        if (length != buf.capacity() - OVERHEAD_BYTES) {
            throw new CorruptFileException(file, 8, "length " + length + " does not match file size " + size);
        }
        byte[] content = new byte[length];
        buf.get(content);
        return Optional.of(content);
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches() || name.endsWith(".tmp")) {
            throw new IllegalArgumentException("bad meta file name: " + name);
        }
    }
}
