package io.coord.server.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A txn log write ran out of space (ENOSPC, or a disk quota). Unlike every other I/O error this
 * one is survivable: the log has already cut the file back to its last whole record and made the
 * cut durable, dropped everything it had buffered, and stays usable. So when this is thrown,
 * every record up to {@link TxnLog#lastZxid()} is durable and no later record is in any file; the
 * records the caller appended since the last successful sync are gone and must be treated as
 * never written.
 */
public final class DiskFullException extends IOException {

    public DiskFullException(Path file, IOException cause) {
        super("no space left for the txn log (" + file + "): " + cause.getMessage(), cause);
    }

    /**
     * Whether an I/O error means "out of space". Java reports ENOSPC and EDQUOT only through the
     * message (strerror text), so this matches the texts Linux, macOS and Windows use.
     */
    public static boolean isOutOfSpace(IOException e) {
        String m = e.getMessage();
        if (m == null) {
            return false;
        }
        String lower = m.toLowerCase(Locale.ROOT);
        return lower.contains("no space left on device") || lower.contains("disk quota exceeded")
                || lower.contains("not enough space on the disk");
    }

    /**
     * Whether {@code failure}, or an I/O error it was caused by, is this exception or an
     * out-of-space error of another write (the epochs file, a snapshot the leader sent): each means
     * the member's disk is full, and stopping until there is room mends it.
     */
    public static boolean isDiskFull(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DiskFullException || t instanceof IOException io && isOutOfSpace(io)) {
                return true;
            }
        }
        return false;
    }
}
