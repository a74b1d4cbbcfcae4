package io.coord.cli;

import io.coord.client.DataResult;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * zkCli's membership commands: {@code config [-c] [-w] [-s]} prints /zookeeper/config (with -c only
 * {@code <version> host:port,...}, the client addresses), and {@code reconfig [-s] [-v version]
 * [[-file path] | [-members list]] | [-add list] [-remove ids]} changes it and prints
 * {@code Committed new configuration:} and the new config, as zkCli does.
 */
final class MembershipCommands {
    private final Connection connection;

    MembershipCommands(Connection connection) {
        this.connection = connection;
    }

    Result config(CommandArgs a) {
        DataResult d = connection.client().getConfig(a.has('w') ? connection.watcher() : null);
        String text = new String(d.data(), StandardCharsets.UTF_8);
        Result r = new Result();
        r.json().put("config", text);
        if (a.has('c')) {
            String clientConfig = clientConfig(text);
            r.line(clientConfig);
            r.json().put("clientConfig", clientConfig);
        } else {
            r.line(text);
        }
        return NodeCommands.withStat(r, d.stat(), a.has('s'));
    }

    Result reconfig(List<String> words) {
        ReconfigArgs args = ReconfigArgs.parse(words);
        DataResult d = connection.client().reconfig(args.joining(), args.leaving(), args.members(),
                args.fromConfig());
        String text = new String(d.data(), StandardCharsets.UTF_8);
        Result r = new Result().line("Committed new configuration:").line(text);
        r.json().put("config", text);
        return NodeCommands.withStat(r, d.stat(), args.stat());
    }

    /**
     * zkCli's {@code config -c}: the version (hex) and the members' client addresses, comma-separated
     * (id order here; zkCli's order is a hash set's). A client address without a host is 0.0.0.0's.
     */
    static String clientConfig(String config) {
        Map<Long, String> clients = new TreeMap<>();
        String version = "";
        for (String line : config.split("\n")) {
            int eq = line.indexOf('=');
            if (line.startsWith("version=")) {
                version = line.substring(eq + 1).trim();
            } else if (line.startsWith("server.") && eq > 0 && line.indexOf(';', eq) > 0) {
                String client = line.substring(line.indexOf(';', eq) + 1).trim();
                clients.put(Long.parseLong(line.substring("server.".length(), eq).trim()),
                        client.contains(":") ? client : "0.0.0.0:" + client);
            }
        }
        return version + " " + String.join(",", clients.values());
    }

    /** reconfig's words as zkCli reads them; -v is hexadecimal, like the version= line it comes from. */
    record ReconfigArgs(String joining, String leaving, String members, long fromConfig, boolean stat) {
        static final String SYNOPSIS = "reconfig [-s] [-v version] [[-file path] | [-members serverID=host:port1:"
                + "port2;port3[,...]*]] | [-add serverId=host:port1:port2;port3[,...]]* [-remove serverId[,...]*]";

        static ReconfigArgs parse(List<String> words) {
            Map<String, String> values = new TreeMap<>();
            boolean stat = false;
            for (int i = 0; i < words.size(); i++) {
                String w = words.get(i);
                switch (w) {
                    case "-s" -> stat = true;
                    case "-v", "-file", "-members", "-add", "-remove" -> {
                        if (i + 1 >= words.size()) {
                            throw usage("flag " + w + " needs a value");
                        }
                        values.put(w.substring(1), words.get(++i));
                    }
                    default -> throw usage("unexpected '" + w + "'");
                }
            }
            boolean incremental = values.containsKey("add") || values.containsKey("remove");
            boolean whole = values.containsKey("members") || values.containsKey("file");
            if (incremental && whole) {
                throw usage("Can't use -file or -members together with -add or -remove (mixing incremental and"
                        + " non-incremental modes is not allowed)");
            }
            if (values.containsKey("members") && values.containsKey("file")) {
                throw usage("Can't use -file and -members together (conflicting non-incremental modes)");
            }
            if (!incremental && !whole) {
                throw usage("nothing to change");
            }
            String members = values.containsKey("file") ? membersOfFile(values.get("file")) : values.get("members");
            return new ReconfigArgs(values.get("add"), values.get("remove"), members, version(values.get("v")),
                    stat);
        }

        private static long version(String hex) {
            if (hex == null) {
                return -1;
            }
            try {
                return Long.parseLong(hex.startsWith("0x") ? hex.substring(2) : hex, 16);
            } catch (NumberFormatException e) {
                throw usage("-v must be followed by a long (configuration version)");
            }
        }

        /**
         * A dynamic config file's server lines, comma-separated (zkCli sends its own parse of the file,
         * newline-separated with a version line; the server lines are what both mean).
         */
        private static String membersOfFile(String file) {
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                props.load(in);
            } catch (IOException | RuntimeException e) {
                throw new CliFailure("Error processing " + file + ": " + e.getMessage());
            }
            List<String> keys = new ArrayList<>(props.stringPropertyNames());
            keys.removeIf(k -> !k.startsWith("server."));
            if (keys.isEmpty()) {
                throw new CliFailure("Error processing " + file + ": no server.N line");
            }
            keys.sort((x, y) -> Long.compare(serverId(x), serverId(y)));
            StringJoiner members = new StringJoiner(",");
            for (String key : keys) {
                members.add(key + "=" + props.getProperty(key).trim());
            }
            return members.toString();
        }

        private static long serverId(String key) {
            try {
                return Long.parseLong(key.substring("server.".length()));
            } catch (NumberFormatException e) {
                throw new CliFailure("not a server id: " + key);
            }
        }

        private static UsageException usage(String problem) {
            return new UsageException("reconfig: " + problem + "; usage: " + SYNOPSIS);
        }
    }
}
