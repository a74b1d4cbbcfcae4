package io.coord.client;

import io.coord.wire.ErrorCode;
import java.util.List;

/**
 * A failed operation: the server's (or the client's) {@link ErrorCode} and the path it concerns.
 * Unchecked, so it travels through {@link java.util.concurrent.CompletableFuture} unwrapped; the
 * blocking methods throw it as is. Each common code has its own subclass; others come as
 * {@link OtherErrorException}.
 */
public class CoordException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;
    private final String path;

    protected CoordException(ErrorCode code, String path, String message) {
        super(message != null ? message : code + (path == null ? "" : " for " + path));
        this.code = code;
        this.path = path;
    }

    public ErrorCode code() {
        return code;
    }

    /** The client-side path the failure is about, or null. */
    public String path() {
        return path;
    }

    /** The exception for a server error code. */
    public static CoordException of(ErrorCode code, String path) {
        return switch (code) {
            case NONODE -> new NoNodeException(path);
            case NODEEXISTS -> new NodeExistsException(path);
            case BADVERSION -> new BadVersionException(path);
            case NOTEMPTY -> new NotEmptyException(path);
            case NOAUTH -> new NoAuthException(path);
            case AUTHFAILED -> new AuthFailedException(null);
            case SESSIONEXPIRED -> new SessionExpiredException(path);
            case CONNECTIONLOSS -> new ConnectionLossException(path, null);
            case INVALIDACL -> new InvalidAclException(path);
            case NOCHILDRENFOREPHEMERALS -> new NoChildrenForEphemeralsException(path);
            case BADARGUMENTS -> new BadArgumentsException(path, null);
            case UNIMPLEMENTED -> new UnimplementedException(path);
            case NEWCONFIGNOQUORUM -> new NewConfigNoQuorumException();
            case RECONFIGINPROGRESS -> new ReconfigInProgressException();
            case RECONFIGDISABLED -> new ReconfigDisabledException();
            default -> new OtherErrorException(code, path);
        };
    }

    public static final class NoNodeException extends CoordException {
        private static final long serialVersionUID = 1L;
        public NoNodeException(String path) { super(ErrorCode.NONODE, path, null); }
    }

    public static final class NodeExistsException extends CoordException {
        private static final long serialVersionUID = 1L;
        public NodeExistsException(String path) { super(ErrorCode.NODEEXISTS, path, null); }
    }

    public static final class BadVersionException extends CoordException {
        private static final long serialVersionUID = 1L;
        public BadVersionException(String path) { super(ErrorCode.BADVERSION, path, null); }
    }

    public static final class NotEmptyException extends CoordException {
        private static final long serialVersionUID = 1L;
        public NotEmptyException(String path) { super(ErrorCode.NOTEMPTY, path, null); }
    }

    public static final class NoAuthException extends CoordException {
        private static final long serialVersionUID = 1L;
        public NoAuthException(String path) { super(ErrorCode.NOAUTH, path, null); }
    }

    /**
     * The server rejected credentials given to {@link CoordClient#addAuth}. It then closes the
     * connection; the client reconnects in the same session without that credential.
     */
    public static final class AuthFailedException extends CoordException {
        private static final long serialVersionUID = 1L;
        public AuthFailedException(String scheme) {
            super(ErrorCode.AUTHFAILED, null, "AUTHFAILED: the server rejected the credentials"
                    + (scheme == null ? "" : " for scheme '" + scheme + "'"));
        }
    }

    /** The session ended; ephemerals and watches of it are gone. The client starts a new one. */
    public static final class SessionExpiredException extends CoordException {
        private static final long serialVersionUID = 1L;
        public SessionExpiredException(String path) { super(ErrorCode.SESSIONEXPIRED, path, null); }
    }

    /** The connection dropped before the reply came: the operation may or may not have happened. */
    public static final class ConnectionLossException extends CoordException {
        private static final long serialVersionUID = 1L;
        public ConnectionLossException(String path, String message) {
            super(ErrorCode.CONNECTIONLOSS, path, message);
        }
    }

    public static final class InvalidAclException extends CoordException {
        private static final long serialVersionUID = 1L;
        public InvalidAclException(String path) { super(ErrorCode.INVALIDACL, path, null); }
    }

    public static final class NoChildrenForEphemeralsException extends CoordException {
        private static final long serialVersionUID = 1L;
        public NoChildrenForEphemeralsException(String path) {
            super(ErrorCode.NOCHILDRENFOREPHEMERALS, path, null);
        }
    }

    public static final class BadArgumentsException extends CoordException {
        private static final long serialVersionUID = 1L;
        public BadArgumentsException(String path, String message) {
            super(ErrorCode.BADARGUMENTS, path, message);
        }
    }

    public static final class UnimplementedException extends CoordException {
        private static final long serialVersionUID = 1L;
        public UnimplementedException(String path) { super(ErrorCode.UNIMPLEMENTED, path, null); }
    }

    /** reconfig: no quorum of the new membership is connected and in sync with the leader; nothing changed. */
    public static final class NewConfigNoQuorumException extends CoordException {
        private static final long serialVersionUID = 1L;
        public NewConfigNoQuorumException() {
            super(ErrorCode.NEWCONFIGNOQUORUM, null, "NEWCONFIGNOQUORUM: no quorum of the new configuration is"
                    + " connected and up to date with the leader; try again once the new servers have synced");
        }
    }

    /** reconfig: another reconfiguration has not committed yet; nothing changed. */
    public static final class ReconfigInProgressException extends CoordException {
        private static final long serialVersionUID = 1L;
        public ReconfigInProgressException() {
            super(ErrorCode.RECONFIGINPROGRESS, null, "RECONFIGINPROGRESS: another reconfiguration is in progress");
        }
    }

    /** reconfig: the server runs without reconfigEnabled=true. */
    public static final class ReconfigDisabledException extends CoordException {
        private static final long serialVersionUID = 1L;
        public ReconfigDisabledException() {
            super(ErrorCode.RECONFIGDISABLED, null, "RECONFIGDISABLED: reconfig is disabled on the server"
                    + " (reconfigEnabled=false)");
        }
    }

    /** Any other server error code. */
    public static final class OtherErrorException extends CoordException {
        private static final long serialVersionUID = 1L;
        public OtherErrorException(ErrorCode code, String path) { super(code, path, null); }
    }

    /**
     * The client refused the request before sending it: packet too large, too many requests
     * queued, or client closed. Code APIERROR.
     */
    public static final class RequestRejectedException extends CoordException {
        private static final long serialVersionUID = 1L;
        public RequestRejectedException(String path, String message) {
            super(ErrorCode.APIERROR, path, message);
        }
    }

    /**
     * A transaction failed and nothing of it was applied. {@link #code()} and {@link #path()} are
     * those of the first failing op, {@link #failedIndex()} its position; {@link #results()} holds one
     * {@link OpResult.Error} per op (OK before the failing op, RUNTIMEINCONSISTENCY after it).
     */
    public static final class TransactionFailedException extends CoordException {
        private static final long serialVersionUID = 1L;
        private final int failedIndex;
        private final transient List<OpResult> results;

        public TransactionFailedException(ErrorCode code, String path, int failedIndex,
                                          List<OpResult> results) {
            super(code, path, "transaction failed at op " + failedIndex + ": " + code
                    + (path == null ? "" : " for " + path));
            this.failedIndex = failedIndex;
            this.results = List.copyOf(results);
        }

        public int failedIndex() {
            return failedIndex;
        }

        public List<OpResult> results() {
            return results;
        }
    }
}
