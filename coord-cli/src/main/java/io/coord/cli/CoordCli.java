package io.coord.cli;

import io.coord.client.CoordException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * {@code coord-cli [-server hosts] [-timeout ms] [--json] [command args]}: runs one command and
 * exits (status 0 ok, 1 the operation failed, 2 usage error), or, with no command, a shell reading
 * commands from the terminal (JLine: editing, history) or, when stdin is not a terminal, plain lines
 * from stdin; then the exit status is the worst status of any command.
 */
public final class CoordCli {
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;

    /**
     * @param terminal stdin and stdout are a terminal: use JLine and a prompt
     */
    public CoordCli(InputStream in, PrintStream out, PrintStream err, boolean terminal) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        int status = new CoordCli(System.in, System.out, System.err, System.console() != null).run(args);
        System.out.flush();
        System.exit(status);
    }

    /** Runs the command line {@code args} to completion and returns the exit status. */
    public int run(String[] args) {
        GlobalOptions options;
        try {
            options = GlobalOptions.parse(args);
        } catch (UsageException e) {
            err.println(e.getMessage());
            return Shell.USAGE;
        }
        Printer printer = new Printer(out, err, options.json());
        try (Connection connection = new Connection(printer, options.sessionTimeoutMs(), options.connectTimeoutMs(),
                options.tls())) {
            Shell shell = new Shell(connection, printer);
            if (options.oneShot()) {
                return oneShot(options, shell, printer);
            }
            return interactive(options, shell, connection, printer);
        }
    }

    private int oneShot(GlobalOptions options, Shell shell, Printer printer) {
        Command command = Command.named(options.command().get(0));
        boolean needsSession = command != null && command != Command.HELP && command != Command.QUIT
                && command != Command.CONNECT && command != Command.CLOSE;
        if (needsSession) {
            int status = connect(options.server(), shell, printer);
            if (status != Shell.OK) {
                return status;
            }
        }
        return shell.execute(options.command());
    }

    private int interactive(GlobalOptions options, Shell shell, Connection connection, Printer printer) {
        int worst = connect(options.server(), shell, printer);
        int commandNumber = 0;
        try (LineSource lines = terminal ? new JLineSource(connection, printer)
                : new PlainLineSource(in, LineTokenizer.MAX_LINE_CHARS)) {
            if (terminal) {
                printer.notice("Coord CLI" + (connection.isOpen() ? ", connected to " + options.server() : "")
                        + ". Type help for the commands, quit to leave.");
            }
            while (!shell.quitRequested()) {
                String prompt = terminal ? prompt(options, connection, commandNumber) : "";
                String line;
                try {
                    line = lines.readLine(prompt);
                } catch (UsageException e) {
                    printer.error("Usage", e.getMessage(), null);
                    worst = Math.max(worst, Shell.USAGE);
                    continue;
                }
                if (line == null) {
                    break;
                }
                if (!line.isBlank()) {
                    commandNumber++;
                    worst = Math.max(worst, shell.executeLine(line));
                }
            }
        } catch (IOException e) {
            printer.error("Failed", "reading commands: " + e.getMessage(), null);
            return Shell.FAILED;
        }
        // A person at a terminal saw each error already; a script wants to know that one happened.
        return terminal ? Shell.OK : worst;
    }

    private static int connect(String server, Shell shell, Printer printer) {
        try {
            shell.connect(server);
            return Shell.OK;
        } catch (CliFailure e) {
            printer.error("ConnectionLoss", e.getMessage(), null);
            return Shell.FAILED;
        } catch (CoordException | IllegalArgumentException e) {
            printer.error("Usage", "bad server list '" + server + "': " + e.getMessage(), null);
            return Shell.USAGE;
        }
    }

    private static String prompt(GlobalOptions options, Connection connection, int commandNumber) {
        String state = !connection.isOpen() ? "CLOSED"
                : connection.client().isConnected() ? "CONNECTED" : "CONNECTING";
        return "[coord: " + options.server() + "(" + state + ") " + commandNumber + "] ";
    }
}
