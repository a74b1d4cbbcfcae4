package io.coord.server.config;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The ensemble's members: the {@code server.N} lines of the config, or of its
 * {@code dynamicConfigFile} (the form ZooKeeper writes once dynamic reconfiguration is on:
 * {@code server.N=host:quorumPort:electionPort[:role];[clientAddr:]clientPort} lines and a
 * {@code version=<hex>} line). Missing them would start a member standalone next to its ensemble,
 * so every line is read or refused, never skipped.
 */
final class ServerLines {
    static final String DYNAMIC_KEY = "dynamicConfigFile";

    private ServerLines() {
    }

    /** The members by id and the membership's version (0 unless a dynamic file says otherwise). */
    record Membership(Map<Long, ServerAddress> servers, long version) {
    }

    /**
     * Members by id from {@code props} or the dynamic file it names (empty when there is none), with
     * the dynamic file's {@code version} line (hexadecimal, as ZooKeeper writes it).
     */
    static Membership membership(Properties props) {
        String dynamic = props.getProperty(DYNAMIC_KEY);
        if (dynamic == null) {
            return new Membership(parse(props, ""), 0);
        }
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith("server.")) {
                // As ZooKeeper: one source of membership, so the two cannot disagree.
                throw new ConfigException(key, "must be in the dynamicConfigFile (" + dynamic.trim()
                        + ") when one is set, not in the static config");
            }
        }
        Path file = Path.of(dynamic.trim());
        Properties lines = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            lines.load(r);
        } catch (IOException e) {
            throw new ConfigException(DYNAMIC_KEY, "cannot read " + file.toAbsolutePath() + ": " + e);
        }
        long version = versionInName(file);
        for (String key : lines.stringPropertyNames()) {
            if (key.equals("version")) {
                version = parseHexVersion(file, lines.getProperty(key).trim());
            } else if (!key.startsWith("server.")) {
                throw new ConfigException(DYNAMIC_KEY, "unsupported line '" + key + "' in " + file
                        + " (only server.N and version are supported)");
            }
        }
        Map<Long, ServerAddress> servers = parse(lines, " (in " + file + ")");
        if (servers.isEmpty()) {
            throw new ConfigException(DYNAMIC_KEY, file + " has no server.N line");
        }
        return new Membership(servers, version);
    }

    private static Map<Long, ServerAddress> parse(Properties props, String where) {
        Map<Long, ServerAddress> servers = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith("server.")) {
                long id = ConfigValues.parseLong(key, key.substring("server.".length()));
                ServerAddress a;
                try {
                    a = parseServer(key, id, props.getProperty(key).trim());
                } catch (ConfigException e) {
                    throw where.isEmpty() ? e : new ConfigException(key, e.problem() + where);
                }
                servers.put(id, a);
            }
        }
        if (!servers.isEmpty() && servers.values().stream().allMatch(ServerAddress::observer)) {
            // Observers learn from a leader that only participants can elect.
            throw new ConfigException(servers.keySet().stream().findFirst().map(id -> "server." + id).orElseThrow(),
                    "every server.N line is an observer; at least one must be a participant" + where);
        }
        return servers;
    }

    static ServerAddress parseServer(String key, long id, String value) {
        String[] halves = value.split(";", 2);
        String[] parts = halves[0].trim().split(":");
        if (parts.length < 3 || parts.length > 4) {
            throw new ConfigException(key, "expected host:quorumPort:electionPort[:participant|observer]"
                    + "[;[clientAddress:]clientPort], was " + value);
        }
        boolean observer = parts.length == 4 && parts[3].trim().equals("observer");
        if (parts.length == 4 && !observer && !parts[3].trim().equals("participant")) {
            throw new ConfigException(key, "unknown role '" + parts[3] + "'");
        }
        InetSocketAddress client = halves.length == 2 ? parseClient(key, halves[1].trim()) : null;
        return new ServerAddress(id, parts[0].trim(), port(key, parts[1]), port(key, parts[2]), observer, client);
    }

    /** {@code [clientAddress:]clientPort}; without an address ZooKeeper listens on all interfaces. */
    private static InetSocketAddress parseClient(String key, String spec) {
        int colon = spec.lastIndexOf(':');
        if (colon < 0) {
            return new InetSocketAddress(port(key, spec));
        }
        String host = spec.substring(0, colon).trim();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, port(key, spec.substring(colon + 1)));
    }

    private static int port(String key, String text) {
        int port = ConfigValues.parseInt(key, text);
        if (port < 0 || port > 65535) {
            throw new ConfigException(key, "port must be 0..65535, was " + port);
        }
        return port;
    }

    /**
     * The version a dynamic file's name carries ({@code <name>.dynamic.<hex>}, as ZooKeeper writes
     * and reads it: getVersionFromFilename); 0 for any other name. A version line inside the file
     * (which ZooKeeper refuses, and Coord wrote before) overrides it.
     */
    static long versionInName(Path file) {
        String name = file.getFileName().toString();
        int at = name.lastIndexOf(".dynamic.");
        if (at < 0) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(name.substring(at + ".dynamic.".length()), 16);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long parseHexVersion(Path file, String value) {
        try {
            return Long.parseUnsignedLong(value, 16);
        } catch (NumberFormatException e) {
            throw new ConfigException(DYNAMIC_KEY, "version '" + value + "' in " + file + " is not hexadecimal");
        }
    }
}
