package io.coord.server.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coord.server.admin.FourLetterWords;
import io.coord.server.quorum.SnapshotRestore;
import io.coord.server.session.Clock;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.zip.CRC32C;

/**
 * {@code coord-admin backup --server HOST:ADMINPORT --to FILE} and {@code restore --server
 * HOST:ADMINPORT --from FILE}: online backup and restore through a running server's AdminServer
 * ({@code snapshot} and {@code restore} commands). A backup is one snapshot file in Coord's format;
 * it is checked whole (size and whole-file CRC32C against what the server announced, every block
 * CRC, the tree's structure) before it takes its name, and again before a restore sends it (the
 * server checks it once more before it serves it).
 */
final class OnlineBackup {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OnlineBackup() {
    }

    private record Options(String server, Path file, String authorization, String commandUrl) {
    }

    static int backup(AdminMain.Args a, PrintStream out) throws IOException, InterruptedException {
        Options o = options(a, "--to", "backup");
        if (Files.exists(o.file())) {
            throw new IOException("backup target " + o.file() + " exists: a backup never overwrites");
        }
        Path part = o.file().resolveSibling(o.file().getFileName() + ".part");
        Files.deleteIfExists(part);
        HttpRequest.Builder get = request(o, "snapshot?streaming=true").GET();
        HttpResponse<Path> r = client().send(get.build(), HttpResponse.BodyHandlers.ofFile(part));
        try {
            if (r.statusCode() != 200) {
                out.println("FAILED: the server answered HTTP " + r.statusCode() + ": " + errorOf(Files.readString(part)));
                return AdminMain.FAILED;
            }
            long announcedSize = Long.parseLong(r.headers().firstValue("snapshot_size").orElse("-1"));
            Integer announcedCrc = r.headers().firstValue("snapshot_crc32c")
                    .map(h -> Integer.parseUnsignedInt(h, 16)).orElse(null);
            if (Files.size(part) != announcedSize) {
                out.println("FAILED: received " + Files.size(part) + " bytes, the server announced " + announcedSize);
                return AdminMain.FAILED;
            }
            SnapshotRestore.Verified v = SnapshotRestore.verify(part, announcedCrc, Clock.system());
            Files.move(part, o.file(), StandardCopyOption.ATOMIC_MOVE);
            out.printf("backup of %s in %s: zxid 0x%x, %d nodes, %d sessions, %d bytes; verified%n", o.server(),
                    o.file(), v.zxid(), v.nodeCount(), v.sessionCount(), announcedSize);
            out.print("digest " + FourLetterWords.hash(v.zxid(), v.digest()));
            return AdminMain.OK;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    static int restore(AdminMain.Args a, PrintStream out) throws IOException, InterruptedException {
        Options o = options(a, "--from", "restore");
        SnapshotRestore.Verified v = SnapshotRestore.verify(o.file(), null, Clock.system());
        out.printf("%s verified: zxid 0x%x, %d nodes, %d sessions; sending it to %s%n", o.file(), v.zxid(),
                v.nodeCount(), v.sessionCount(), o.server());
        HttpRequest.Builder post = request(o, "restore")
                .header("Content-Type", "application/octet-stream")
                .header("snapshot_crc32c", String.format("%08x", crc32c(o.file())))
                .POST(HttpRequest.BodyPublishers.ofFile(o.file()));
        HttpResponse<String> r = client().send(post.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            out.println("FAILED: the server answered HTTP " + r.statusCode() + ": " + errorOf(r.body()));
            return AdminMain.FAILED;
        }
        JsonNode answer = JSON.readTree(r.body());
        out.printf("restored: %s serves the backup's %d nodes at zxid 0x%x%n", o.server(),
                answer.path("node_count").asLong(), answer.path("last_zxid").asLong());
        return AdminMain.OK;
    }

    private static Options options(AdminMain.Args a, String fileOption, String command) {
        String server = null;
        Path file = null;
        String auth = null;
        String commandUrl = "/commands";
        for (String opt = a.nextOrNull(); opt != null; opt = a.nextOrNull()) {
            switch (opt) {
                case "--server" -> server = a.value(opt);
                case "--auth" -> auth = authorization(a.value(opt));
                case "--command-url" -> commandUrl = a.value(opt);
                default -> {
                    if (!opt.equals(fileOption)) {
                        throw new AdminMain.UsageException("unknown option for online " + command + ": " + opt);
                    }
                    file = Path.of(a.value(opt));
                }
            }
        }
        if (server == null || file == null) {
            throw new AdminMain.UsageException(command + " needs --server HOST:ADMINPORT and " + fileOption + " FILE");
        }
        return new Options(server, file, auth, commandUrl);
    }

    /** {@code digest:user:password} → {@code digest user:password} (the Authorization header); {@code ip} as is. */
    static String authorization(String option) {
        int colon = option.indexOf(':');
        return colon < 0 ? option : option.substring(0, colon) + " " + option.substring(colon + 1);
    }

    private static HttpRequest.Builder request(Options o, String command) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + o.server() + o.commandUrl() + "/"
                + command));
        if (o.authorization() != null) {
            b.header("Authorization", o.authorization());
        }
        return b;
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static String errorOf(String body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            return error.isMissingNode() || error.isNull() ? body.trim() : error.asText();
        } catch (IOException e) {
            return body.trim();
        }
    }

    private static int crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                crc.update(buf, 0, n);
            }
        }
        return (int) crc.getValue();
    }
}
