package io.coord.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes one JSON object per result line, to a file or (when no file is given) to stdout after the table. */
final class JsonLines {
    private JsonLines() {
    }

    static void write(List<PhaseResult> results, String file, PrintStream stdout) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (PhaseResult result : results) {
            lines.append(result.toJson()).append('\n');
        }
        if (file == null || file.equals("-")) {
            stdout.println();
            stdout.print(lines);
        } else {
            Files.writeString(Path.of(file), lines, StandardCharsets.UTF_8);
            stdout.println("JSON lines written to " + file);
        }
    }
}
