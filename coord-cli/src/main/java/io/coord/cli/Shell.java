package io.coord.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coord.client.CoordException;
import io.coord.wire.ErrorCode;
import java.util.List;

/**
 * Runs one command line at a time against the {@link Connection} and prints what it produced.
 * Each run returns an exit status: 0 done, 1 the operation failed, 2 the command was malformed.
 */
final class Shell {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private final Connection connection;
    private final Printer printer;
    private final NodeCommands nodes;
    private final AclWatchCommands aclWatches;
    private final MembershipCommands membership;
    private boolean quit;

    Shell(Connection connection, Printer printer) {
        this.connection = connection;
        this.printer = printer;
        this.nodes = new NodeCommands(connection);
        this.aclWatches = new AclWatchCommands(connection);
        this.membership = new MembershipCommands(connection);
    }

    boolean quitRequested() {
        return quit;
    }

    /** Runs a line the user typed. */
    int executeLine(String line) {
        List<String> words;
        try {
            words = LineTokenizer.split(line);
        } catch (UsageException e) {
            printer.error("Usage", e.getMessage(), null);
            return USAGE;
        }
        return execute(words);
    }

    /** Runs one command given as words (the command name first). */
    int execute(List<String> words) {
        if (words.isEmpty()) {
            return OK;
        }
        try {
            Command command = Command.named(words.get(0));
            if (command == null) {
                throw new UsageException("Unknown command: " + words.get(0) + " (type help for the list)");
            }
            List<String> rest = words.subList(1, words.size());
            // reconfig's flags are words (-add, -members), which CommandArgs would read as bundled letters.
            Result result = command == Command.RECONFIG ? membership.reconfig(rest)
                    : run(command, CommandArgs.parse(command, rest));
            if (result != null) {
                printer.result(result);
            }
            return OK;
        } catch (UsageException e) {
            printer.error("Usage", e.getMessage(), null);
            return USAGE;
        } catch (CliFailure e) {
            printer.error("Failed", e.getMessage(), null);
            return FAILED;
        } catch (CoordException e) {
            printer.error(ErrorText.kind(e.code()), ErrorText.of(e), e.path());
            return e.code() == ErrorCode.BADARGUMENTS ? USAGE : FAILED;
        } catch (IllegalArgumentException e) {
            // the client's own argument checks (connect string, digest user)
            printer.error("Usage", e.getMessage(), null);
            return USAGE;
        } catch (RuntimeException e) {
            printer.error("Failed", e.getClass().getSimpleName() + ": " + e.getMessage(), null);
            return FAILED;
        }
    }

    private Result run(Command command, CommandArgs a) {
        return switch (command) {
            case LS -> nodes.ls(a);
            case CREATE -> nodes.create(a);
            case GET -> nodes.get(a);
            case SET -> nodes.set(a);
            case DELETE -> nodes.delete(a);
            case DELETEALL -> nodes.deleteAll(a);
            case STAT -> nodes.stat(a);
            case SYNC -> nodes.sync(a);
            case GET_EPHEMERALS -> nodes.getEphemerals(a);
            case GET_ALL_CHILDREN_NUMBER -> nodes.getAllChildrenNumber(a);
            case GET_ACL -> aclWatches.getAcl(a);
            case SET_ACL -> aclWatches.setAcl(a);
            case ADDAUTH -> aclWatches.addAuth(a);
            case ADD_WATCH -> aclWatches.addWatch(a);
            case REMOVE_WATCHES -> aclWatches.removeWatches(a);
            case CONFIG -> membership.config(a);
            case RECONFIG -> throw new IllegalStateException("reconfig is parsed by MembershipCommands");
            case CONNECT -> connect(a.arg(0));
            case CLOSE -> close();
            case QUIT -> {
                quit = true;
                yield null;
            }
            case HELP -> help();
        };
    }

    /** Connects, turning "no server answered" into a one-line failure. */
    Result connect(String target) {
        try {
            connection.connect(target);
        } catch (CoordException.ConnectionLossException e) {
            String why = e.getMessage();
            throw new CliFailure(why == null ? "Could not connect to " + target
                    : Character.toUpperCase(why.charAt(0)) + why.substring(1));
        }
        Result r = new Result();
        r.json().put("connected", target);
        r.json().put("sessionId", "0x" + Long.toHexString(connection.client().sessionId()));
        return r;
    }

    private Result close() {
        boolean wasOpen = connection.isOpen();
        connection.close();
        Result r = new Result();
        r.json().put("closed", wasOpen);
        return r;
    }

    static Result help() {
        Result r = new Result().line("Commands:");
        ArrayNode arr = r.json().putArray("commands");
        for (Command c : Command.values()) {
            r.line(String.format("  %-50s %s", c.synopsis(), c.description()));
            ObjectNode o = arr.addObject();
            o.put("name", c.cliName());
            o.put("usage", c.synopsis());
            o.put("description", c.description());
        }
        return r;
    }
}
