package io.coord.server.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A membership in ZooKeeper's dynamic form: the text of {@code /zookeeper/config} and of a
 * {@code zoo.cfg.dynamic.<hexVersion>} file ({@code server.N=host:quorumPort:electionPort:role[;client]}
 * lines, then {@code version=<hex>}; QuorumMaj.toString), also the form a reconfig's
 * {@code newMembers} and {@code joiningServers} use. Parsing refuses what {@link ServerLines}
 * refuses in a config file.
 */
public record DynamicConfig(Map<Long, ServerAddress> servers, long version) {
    public DynamicConfig {
        servers = Collections.unmodifiableMap(new TreeMap<>(servers));
    }

    /** This member's view at start-up: the config's server lines and their version. */
    public static DynamicConfig of(ServerConfig config) {
        return new DynamicConfig(config.servers(), config.configVersion());
    }

    /**
     * Parses {@code server.N=...} lines (newline- or comma-separated, as ZooKeeper's reconfig accepts
     * newMembers) and an optional {@code version=<hex>} line (0 without one).
     *
     * @throws ConfigException on any line that is not a server or version line, or a bad value
     */
    public static DynamicConfig parse(String text) {
        Properties props = new Properties();
        try {
            props.load(new StringReader(text.replace(',', '\n')));
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("config", "unreadable: " + e.getMessage());
        }
        long version = 0;
        Map<Long, ServerAddress> servers = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            String value = props.getProperty(key).trim();
            if (key.equals("version")) {
                try {
                    version = Long.parseUnsignedLong(value, 16);
                } catch (NumberFormatException e) {
                    throw new ConfigException(key, "'" + value + "' is not hexadecimal");
                }
            } else if (key.startsWith("server.")) {
                long id = ConfigValues.parseLong(key, key.substring("server.".length()));
                servers.put(id, ServerLines.parseServer(key, id, value));
            } else {
                throw new ConfigException(key, "only server.N and version lines are supported");
            }
        }
        return new DynamicConfig(servers, version);
    }

    /** Parses the UTF-8 text of {@code /zookeeper/config}; null when it is empty or unreadable. */
    public static DynamicConfig parseOrNull(byte[] text) {
        if (text == null || text.length == 0) {
            return null;
        }
        try {
            DynamicConfig c = parse(new String(text, StandardCharsets.UTF_8));
            return c.servers.isEmpty() ? null : c;
        } catch (ConfigException e) {
            return null;
        }
    }

    public DynamicConfig withVersion(long v) {
        return new DynamicConfig(servers, v);
    }

    /** The ids of the voting members (participants). */
    public java.util.Set<Long> voters() {
        java.util.Set<Long> ids = new java.util.TreeSet<>();
        servers.values().stream().filter(a -> !a.observer()).forEach(a -> ids.add(a.id()));
        return ids;
    }

    /** The ids of the observers. */
    public java.util.Set<Long> observers() {
        java.util.Set<Long> ids = new java.util.TreeSet<>();
        servers.values().stream().filter(ServerAddress::observer).forEach(a -> ids.add(a.id()));
        return ids;
    }

    /** The {@code /zookeeper/config} text (no line end after the version line). */
    public String text() {
        return ConfigNodeText.of(servers, version);
    }

    public byte[] bytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }
}
