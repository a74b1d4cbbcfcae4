package io.coord.server.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A storage file failed validation in a way that is not a harmless torn write. The server must
 * refuse to start rather than guess, so the message names the file and, when known, the byte
 * offset at which the damage was found.
 */
public class CorruptFileException extends IOException {

    private final Path file;
    private final long offset;

    public CorruptFileException(Path file, long offset, String problem) {
        super(file + (offset >= 0 ? " at byte offset " + offset : "") + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    public CorruptFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.offset = -1;
    }

    public Path file() {
        return file;
    }

    /** Byte offset of the damage, or -1 when the whole file is rejected. */
    public long offset() {
        return offset;
    }
}
