package io.coord.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/** Lines from a pipe or file (no prompt, no editing), each bounded so a missing newline cannot eat the heap. */
final class PlainLineSource implements LineSource {
    private final Reader reader;
    private final int maxLineChars;

    PlainLineSource(InputStream in, int maxLineChars) {
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.maxLineChars = maxLineChars;
    }

    /** Returns the line without its terminator; a too-long line is skipped to its end and reported. */
    @Override
    public String readLine(String prompt) throws IOException {
        StringBuilder line = new StringBuilder();
        boolean tooLong = false;
        int c;
        while ((c = reader.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (line.length() < maxLineChars) {
                line.append((char) c);
            } else {
                tooLong = true;
            }
        }
        if (c == -1 && line.length() == 0 && !tooLong) {
            return null;
        }
        if (tooLong) {
            throw new UsageException("line longer than " + maxLineChars + " characters skipped");
        }
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            line.setLength(end - 1);
        }
        return line.toString();
    }

    @Override
    public void close() {
        // stdin belongs to the process; leave it open
    }
}
