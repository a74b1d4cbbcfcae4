package io.coord.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What a member writes after it takes a committed configuration, as ZooKeeper 3.5+ does
 * (QuorumPeer.setQuorumVerifier with writeToDisk): the membership in
 * {@code <configFile>.dynamic.<hexVersion>} (the version in the name only: {@link #fileText}), then the static config rewritten to point at it
 * ({@code dynamicConfigFile=}) without its {@code server.N} lines, and without clientPort /
 * clientPortAddress when this member's own line carries its client address (editStaticConfig with
 * needEraseClientInfoFromStaticConfig). A restart then reads the newest membership.
 */
public final class DynamicConfigFiles {
    private DynamicConfigFiles() {
    }

    /** The dynamic file of {@code version} next to {@code configFile}. */
    public static Path dynamicFile(Path configFile, long version) {
        return configFile.resolveSibling(configFile.getFileName() + ".dynamic." + Long.toHexString(version));
    }

    /** Writes the dynamic file and rewrites {@code configFile}; returns the dynamic file. */
    public static Path persist(Path configFile, DynamicConfig config, long myId) throws IOException {
        Path dynamic = dynamicFile(configFile, config.version()).toAbsolutePath();
        writeAtomically(dynamic, fileText(config));
        ServerAddress me = config.servers().get(myId);
        boolean eraseClient = me != null && me.clientAddress() != null;
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(configFile, StandardCharsets.UTF_8)) {
            String key = line.contains("=") ? line.substring(0, line.indexOf('=')).trim() : line.trim();
            boolean drop = key.startsWith("server.") || key.equals(ServerLines.DYNAMIC_KEY)
                    || (eraseClient && (key.equals("clientPort") || key.equals("clientPortAddress")));
            if (!drop) {
                kept.add(line);
            }
        }
        kept.add(ServerLines.DYNAMIC_KEY + "=" + dynamic);
        writeAtomically(configFile, String.join("\n", kept) + "\n");
        return dynamic;
    }

    /**
     * The dynamic file's text as ZooKeeper writes it (writeDynamicConfig without keeping the version):
     * the server lines sorted as strings, no version line (the file name carries it: ZooKeeper refuses
     * a dynamic file with one), no line end after the last.
     */
    static String fileText(DynamicConfig config) {
        List<String> lines = new ArrayList<>();
        for (String line : config.text().split("\n")) {
            if (line.startsWith("server.")) {
                lines.add(line);
            }
        }
        java.util.Collections.sort(lines);
        return String.join("\n", lines);
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        // A hidden name: tools that list zoo.cfg* beside it never meet a file that is about to vanish.
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
