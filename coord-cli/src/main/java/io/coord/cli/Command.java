package io.coord.cli;

import java.util.Locale;

/** Every command the CLI knows: its name, flags, arity and one-line help, as in zkCli. */
enum Command {
    LS("ls", "[-s] [-w] [-R] path", "sRw", "", 1, 1, "list children (-R: the whole subtree, -s: with stat, -w: watch)"),
    CREATE("create", "[-s] [-e] [-c] [-t ttl] path [data] [acl]", "sec", "t", 1, 3,
            "create a node (-s sequential, -e ephemeral, -c container, -t TTL in ms)"),
    GET("get", "[-s] [-w] path", "sw", "", 1, 1, "print a node's data (-s: with stat, -w: watch)"),
    SET("set", "[-s] [-v version] path data", "s", "v", 2, 2, "set a node's data (-v: only at that version)"),
    DELETE("delete", "[-v version] path", "", "v", 1, 1, "delete a node without children"),
    DELETEALL("deleteall", "path", "", "", 1, 1, "delete a node and everything under it"),
    STAT("stat", "[-w] path", "w", "", 1, 1, "print a node's stat (-w: watch)"),
    GET_ACL("getAcl", "[-s] path", "s", "", 1, 1, "print a node's ACL"),
    SET_ACL("setAcl", "[-s] [-v version] [-R] path acl", "sR", "v", 2, 2,
            "set a node's ACL, e.g. world:anyone:cdrwa,digest:user:hash:cdrwa,ip:127.0.0.1:r"),
    ADDAUTH("addauth", "scheme auth", "", "", 2, 2, "authenticate this session (digest user:password)"),
    SYNC("sync", "path", "", "", 1, 1, "make the server catch up with the leader"),
    ADD_WATCH("addWatch", "[-m mode] path", "", "m", 1, 1,
            "persistent watch; mode persistent or persistentRecursive (default)"),
    REMOVE_WATCHES("removewatches", "path [-c|-d|-a] [-l]", "cdal", "", 1, 1,
            "remove watches on a path: -c children, -d data, -a any (default); -l locally only"),
    GET_EPHEMERALS("getEphemerals", "[path]", "", "", 0, 1, "list this session's ephemeral nodes"),
    GET_ALL_CHILDREN_NUMBER("getAllChildrenNumber", "path", "", "", 1, 1, "count the nodes under a path"),
    CONFIG("config", "[-c] [-w] [-s]", "cws", "", 0, 0,
            "print the ensemble's membership, /zookeeper/config (-c: version and client addresses only)"),
    RECONFIG("reconfig", "[-s] [-v version] [[-file path] | [-members list]] | [-add list] [-remove ids]", "", "", 0,
            Integer.MAX_VALUE, "change the membership: -add server.N=host:port1:port2;port3,... -remove N,..."
            + " or -members (the whole new list); -v: only from that config version (hex)"),
    CONNECT("connect", "host:port[,host:port...][/chroot]", "", "", 1, 1, "connect to other servers"),
    CLOSE("close", "", "", "", 0, 0, "close the session"),
    QUIT("quit", "", "", "", 0, 0, "leave the shell"),
    HELP("help", "", "", "", 0, 0, "this list");

    private final String cliName;
    private final String args;
    private final String booleanFlags;
    private final String valueFlags;
    private final int minArgs;
    private final int maxArgs;
    private final String description;

    Command(String cliName, String args, String booleanFlags, String valueFlags, int minArgs, int maxArgs,
            String description) {
        this.cliName = cliName;
        this.args = args;
        this.booleanFlags = booleanFlags;
        this.valueFlags = valueFlags;
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
        this.description = description;
    }

    String cliName() { return cliName; }
    String booleanFlags() { return booleanFlags; }
    String valueFlags() { return valueFlags; }
    int minArgs() { return minArgs; }
    int maxArgs() { return maxArgs; }
    String description() { return description; }

    String synopsis() {
        return args.isEmpty() ? cliName : cliName + " " + args;
    }

    /** The command called {@code name} (any letter case), or null. */
    static Command named(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Command c : values()) {
            if (c.cliName.toLowerCase(Locale.ROOT).equals(lower)) {
                return c;
            }
        }
        return null;
    }
}
