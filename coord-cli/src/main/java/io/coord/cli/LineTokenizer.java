package io.coord.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a shell line into words: whitespace separates, single quotes keep everything literally,
 * double quotes keep spaces and honour backslash escapes, so {@code set /a "hello world"} has three words.
 */
final class LineTokenizer {
    /** Longest line accepted; a node's data is bounded by the server's packet size anyway. */
    static final int MAX_LINE_CHARS = 4 * 1024 * 1024;

    private LineTokenizer() {
    }

    static List<String> split(String line) {
        if (line.length() > MAX_LINE_CHARS) {
            throw new UsageException("line longer than " + MAX_LINE_CHARS + " characters");
        }
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                inWord = true;
                if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '\\' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            }
        }
        if (quote != 0) {
            throw new UsageException("unterminated " + quote + " quote");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
