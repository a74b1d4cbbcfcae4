package io.coord.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The interactive shell's input: JLine gives line editing, history (saved in
 * {@code ~/.coord_cli_history}) and tab completion of command names and znode paths. Watch events
 * are printed above the line being edited.
 */
final class JLineSource implements LineSource {
    private static final int HISTORY_LINES = 1000;

    private final Terminal terminal;
    private final LineReader reader;

    JLineSource(Connection connection, Printer printer) {
        try {
            terminal = TerminalBuilder.builder().system(true).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal", e);
        }
        reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("coord-cli")
                .completer((r, line, candidates) -> complete(connection, line, candidates))
                .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".coord_cli_history"))
                .variable(LineReader.HISTORY_SIZE, HISTORY_LINES)
                .variable(LineReader.HISTORY_FILE_SIZE, HISTORY_LINES)
                // znode data may hold '!'; it must not trigger history expansion
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
        printer.eventSink(reader::printAbove);
    }

    @Override
    public String readLine(String prompt) {
        while (true) {
            try {
                return reader.readLine(prompt);
            } catch (UserInterruptException e) {
                // Ctrl-C drops the line being typed, as in a shell
            } catch (EndOfFileException e) {
                return null;
            }
        }
    }

    private static void complete(Connection connection, ParsedLine line, List<Candidate> candidates) {
        if (line.wordIndex() == 0) {
            for (Command c : Command.values()) {
                candidates.add(new Candidate(c.cliName()));
            }
            return;
        }
        String word = line.word().substring(0, line.wordCursor());
        if (!word.startsWith("/") || !connection.isOpen()) {
            return;
        }
        int slash = word.lastIndexOf('/');
        String parent = slash == 0 ? "/" : word.substring(0, slash);
        try {
            for (String child : connection.client().getChildren(parent).children()) {
                String full = (parent.equals("/") ? "" : parent) + "/" + child;
                candidates.add(new Candidate(full, full, null, null, null, null, false));
            }
        } catch (RuntimeException e) {
            // completion is a convenience: a missing parent or a lost connection offers nothing
        }
    }

    @Override
    public void close() {
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            // history is a convenience; losing it must not fail the exit
        }
        try {
            terminal.close();
        } catch (IOException e) {
            // closing at exit; nothing to do
        }
    }
}
