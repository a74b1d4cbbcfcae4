package io.coord.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One command's words split into single-letter flags and positional arguments, as zkCli accepts
 * them: flags may come before or after the positionals, boolean flags may be bundled ({@code -es}),
 * a value flag takes the next word ({@code -v 3}), {@code --} ends the flags, and a word that looks
 * like a negative number ({@code -5}) is a positional.
 */
final class CommandArgs {
    private final Command command;
    private final Set<Character> flags = new HashSet<>();
    private final Map<Character, String> values = new HashMap<>();
    private final List<String> positionals = new ArrayList<>();

    private CommandArgs(Command command) {
        this.command = command;
    }

    /** Parses {@code words} (without the command name) against the command's flag spec and arity. */
    static CommandArgs parse(Command command, List<String> words) {
        CommandArgs args = new CommandArgs(command);
        boolean flagsEnded = false;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (flagsEnded || !w.startsWith("-") || w.length() == 1 || isNumber(w)) {
                args.positionals.add(w);
            } else if (w.equals("--")) {
                flagsEnded = true;
            } else if (w.length() == 2 && command.valueFlags().indexOf(w.charAt(1)) >= 0) {
                if (i + 1 >= words.size()) {
                    throw args.usage("flag " + w + " needs a value");
                }
                args.values.put(w.charAt(1), words.get(++i));
            } else {
                for (char f : w.substring(1).toCharArray()) {
                    if (command.booleanFlags().indexOf(f) < 0) {
                        throw args.usage("unknown flag -" + f);
                    }
                    args.flags.add(f);
                }
            }
        }
        int n = args.positionals.size();
        if (n < command.minArgs()) {
            throw args.usage("missing argument");
        }
        if (n > command.maxArgs()) {
            throw args.usage("too many arguments");
        }
        return args;
    }

    boolean has(char flag) {
        return flags.contains(flag);
    }

    /** The value of a value flag, or null when absent. */
    String value(char flag) {
        return values.get(flag);
    }

    /** The value of a numeric value flag, or {@code absent} when the flag was not given. */
    long longValue(char flag, long absent) {
        String v = values.get(flag);
        if (v == null) {
            return absent;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw usage("-" + flag + " needs a number, got '" + v + "'");
        }
    }

    int intValue(char flag, int absent) {
        long v = longValue(flag, absent);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw usage("-" + flag + " out of range: " + v);
        }
        return (int) v;
    }

    int count() {
        return positionals.size();
    }

    /** The i-th positional, or null when there are fewer. */
    String arg(int i) {
        return i < positionals.size() ? positionals.get(i) : null;
    }

    UsageException usage(String problem) {
        return new UsageException(command.cliName() + ": " + problem + "; usage: " + command.synopsis());
    }

    private static boolean isNumber(String w) {
        for (int i = 1; i < w.length(); i++) {
            if (!Character.isDigit(w.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
