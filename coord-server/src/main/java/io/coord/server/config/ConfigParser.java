package io.coord.server.config;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads zoo.cfg-style files into a {@link ServerConfig}. Unknown keys warn; bad values throw. */
public final class ConfigParser {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigParser.class);
    /** Every four-letter word the server knows; "*" in the whitelist expands to these. */
    public static final Set<String> ALL_FOUR_LETTER_WORDS = Set.of("ruok", "srvr", "stat", "mntr",
            "conf", "cons", "envi", "dump", "wchs", "wchc", "wchp", "dirs", "isro", "crst", "srst");
    /** Keys ZooKeeper knows that Coord accepts and ignores (they have no meaning here). */
    private static final Set<String> IGNORED = Set.of("admin.enableServer", "admin.serverPort",
            "standaloneEnabled", "reconfigEnabled", "dynamicConfigFile", "globalOutstandingLimit",
            "preAllocSize", "forceSync", "skipACL", "quorumListenOnAllIPs", "leaderServes",
            "electionAlg", "secureClientPort", "metricsProvider.className", "audit.enable");

    private ConfigParser() {
    }

    public static ServerConfig load(Path file) throws IOException {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(r);
        }
        return parse(props);
    }

    /** Relative dataDir/dataLogDir resolve against the working directory, as in ZooKeeper. */
    public static ServerConfig parse(Properties props) {
        ServerConfig.Builder b = ServerConfig.builder(null);
        Map<Long, ServerAddress> servers = new HashMap<>();
        String portAddress = null;
        Integer port = null;
        for (String key : props.stringPropertyNames()) {
            String value = props.getProperty(key).trim();
            if (key.startsWith("server.")) {
                long id = parseLong(key, key.substring("server.".length()));
                servers.put(id, parseServer(key, id, value));
                continue;
            }
            switch (key) {
                case "tickTime" -> b.tickTimeMs(parseInt(key, value));
                case "dataDir" -> b.dataDir(Path.of(value));
                case "dataLogDir" -> b.dataLogDir(Path.of(value));
                case "clientPort" -> port = parseInt(key, value);
                case "clientPortAddress" -> portAddress = value;
                case "minSessionTimeout" -> b.minSessionTimeoutMs(parseInt(key, value));
                case "maxSessionTimeout" -> b.maxSessionTimeoutMs(parseInt(key, value));
                case "maxClientCnxns" -> b.maxClientCnxns(parseInt(key, value));
                case "4lw.commands.whitelist" -> b.fourLetterWords(parseWhitelist(key, value));
                case "autopurge.snapRetainCount" -> b.snapRetainCount(parseInt(key, value));
                case "autopurge.purgeInterval" -> b.purgeIntervalHours(parseInt(key, value));
                case "snapCount" -> b.snapCount(parseInt(key, value));
                case "jute.maxbuffer" -> b.juteMaxBuffer(parseInt(key, value));
                case "extendedTypesEnabled", "zookeeper.extendedTypesEnabled" ->
                        b.extendedTypesEnabled(parseBool(key, value));
                case "containerCheckIntervalMs", "znode.container.checkIntervalMs" ->
                        b.containerCheckIntervalMs(parseInt(key, value));
                case "initLimit" -> b.initLimit(parseInt(key, value));
                case "syncLimit" -> b.syncLimit(parseInt(key, value));
                case "groupCommitMaxWaitMicros" -> b.groupCommitMaxWaitMicros(parseInt(key, value));
                default -> {
                    if (!IGNORED.contains(key)) {
                        LOG.warn("unknown config key '{}' ignored", key);
                    }
                }
            }
        }
        String dataDir = props.getProperty("dataDir");
        if (dataDir == null || dataDir.isBlank()) {
            throw new ConfigException("dataDir", "is required");
        }
        if (port == null) {
            throw new ConfigException("clientPort", "is required");
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("clientPort", "must be 0..65535, was " + port);
        }
        b.clientAddress(portAddress == null ? new InetSocketAddress(port)
                : new InetSocketAddress(portAddress, port));
        if (!servers.isEmpty()) {
            b.servers(servers);
            b.myId(readMyId(Path.of(dataDir.trim())));
        }
        return b.build();
    }

    private static long readMyId(Path dataDir) {
        Path file = dataDir.resolve("myid");
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
            throw new ConfigException("myid", "cannot read a number from " + file + ": " + e.getMessage());
        }
    }

    private static ServerAddress parseServer(String key, long id, String value) {
        String spec = value.split(";", 2)[0];
        String[] parts = spec.split(":");
        if (parts.length < 3 || parts.length > 4) {
            throw new ConfigException(key, "expected host:quorumPort:electionPort[:observer|participant], was " + value);
        }
        boolean observer = parts.length == 4 && parts[3].equals("observer");
        if (parts.length == 4 && !observer && !parts[3].equals("participant")) {
            throw new ConfigException(key, "unknown role '" + parts[3] + "'");
        }
        return new ServerAddress(id, parts[0], parseInt(key, parts[1]), parseInt(key, parts[2]), observer);
    }

    private static Set<String> parseWhitelist(String key, String value) {
        Set<String> words = new LinkedHashSet<>();
        Consumer<String> add = w -> {
            if (!w.equals("*") && !ALL_FOUR_LETTER_WORDS.contains(w)) {
                throw new ConfigException(key, "unknown four-letter word '" + w + "'");
            }
            words.add(w);
        };
        Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(add);
        return words;
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "not an integer: '" + value + "'");
        }
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "not an integer: '" + value + "'");
        }
    }

    private static boolean parseBool(String key, String value) {
        return switch (value.trim().toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(key, "not a boolean: '" + value + "'");
        };
    }
}
