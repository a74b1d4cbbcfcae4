package io.coord.server.tools;

import io.coord.server.storage.CorruptFileException;
import java.nio.file.Path;

/**
 * A ZooKeeper file the importer cannot trust: damaged, cut short, or not what its name says. The
 * message names the file and the byte offset (for a compressed snapshot, the offset in the
 * uncompressed stream, which the message says).
 */
public final class ZkFormatException extends CorruptFileException {
    private static final long serialVersionUID = 1L;

    public ZkFormatException(Path file, long offset, String problem) {
        super(file, offset, problem);
    }
}
