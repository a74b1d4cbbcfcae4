package io.coord.wire;

/**
 * A request failed with a ZooKeeper result code. Thrown by validation code on the server (caught
 * and turned into the reply's err) and surfaced by the client. Cheap: no stack trace, since it is
 * an expected outcome, not a bug.
 */
public class KeeperError extends Exception {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;
    private final String path;

    public KeeperError(ErrorCode code, String path) {
        super(code + (path == null ? "" : " for " + path), null, false, false);
        this.code = code;
        this.path = path;
    }

    public ErrorCode code() {
        return code;
    }

    /** The path the failure is about, or null. */
    public String path() {
        return path;
    }
}
