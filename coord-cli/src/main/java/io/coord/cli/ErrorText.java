package io.coord.cli;

import io.coord.client.CoordException;
import io.coord.wire.ErrorCode;

/** One clear line for a failed operation, in the spirit of zkCli's messages; never a stack trace. */
final class ErrorText {
    private ErrorText() {
    }

    static String of(CoordException e) {
        String path = e.path() == null ? "" : e.path();
        return switch (e.code()) {
            case NONODE -> "Node does not exist: " + path;
            case NODEEXISTS -> "Node already exists: " + path;
            case BADVERSION -> "Version does not match: " + path;
            case NOTEMPTY -> "Node not empty: " + path;
            case NOAUTH -> "Insufficient permission: " + path;
            case NOCHILDRENFOREPHEMERALS -> "Ephemeral nodes cannot have children: " + path;
            case INVALIDACL -> "Invalid ACL: " + path;
            case NOWATCHER -> "No such watch: " + path;
            case UNIMPLEMENTED -> "Not supported by the server: " + path;
            case SESSIONEXPIRED -> "Session expired" + (path.isEmpty() ? "" : ": " + path);
            case AUTHFAILED -> "Authentication failed";
            case CONNECTIONLOSS -> "Connection lost (the operation may or may not have happened)"
                    + (path.isEmpty() ? "" : ": " + path);
            // zkCli's words for reconfig's refusals (its CliWrapperException), which scripts may match.
            case NEWCONFIGNOQUORUM -> "No quorum of new config is connected and up-to-date with the leader of last"
                    + " commmitted config - try invoking reconfiguration after new servers are connected and synced";
            case RECONFIGINPROGRESS -> "Another reconfiguration is in progress -- concurrent reconfigs not supported"
                    + " (yet)";
            case RECONFIGDISABLED -> "KeeperErrorCode = Reconfig is disabled";
            case BADARGUMENTS -> "Bad arguments: " + e.getMessage() + (path.isEmpty() ? "" : " (" + path + ")");
            default -> e.getMessage();
        };
    }

    /** A short machine name for --json errors, e.g. "NoNode", derived from the error code. */
    static String kind(ErrorCode code) {
        StringBuilder sb = new StringBuilder();
        String name = switch (code) {
            case NONODE -> "NO_NODE";
            case NODEEXISTS -> "NODE_EXISTS";
            case BADVERSION -> "BAD_VERSION";
            case NOTEMPTY -> "NOT_EMPTY";
            case NOAUTH -> "NO_AUTH";
            case NOCHILDRENFOREPHEMERALS -> "NO_CHILDREN_FOR_EPHEMERALS";
            case INVALIDACL -> "INVALID_ACL";
            case NOWATCHER -> "NO_WATCHER";
            case SESSIONEXPIRED -> "SESSION_EXPIRED";
            case CONNECTIONLOSS -> "CONNECTION_LOSS";
            case BADARGUMENTS -> "BAD_ARGUMENTS";
            case AUTHFAILED -> "AUTH_FAILED";
            default -> code.name();
        };
        for (String part : name.split("_")) {
            sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return sb.toString();
    }
}
