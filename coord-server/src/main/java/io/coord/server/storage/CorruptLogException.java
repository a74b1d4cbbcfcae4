package io.coord.server.storage;

import java.nio.file.Path;

/**
 * The transaction log holds damage that cannot be explained by a crash during the last write
 * (for example a bad record with valid records after it, or a bad record in a segment that is
 * not the newest). Acknowledged transactions may be affected, so the server refuses to start.
 */
public final class CorruptLogException extends CorruptFileException {

    public CorruptLogException(Path file, long offset, String problem) {
        super(file, offset, problem);
    }
}
