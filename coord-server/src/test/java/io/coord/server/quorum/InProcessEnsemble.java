package io.coord.server.quorum;

import io.coord.server.TestPorts;
import static org.awaitility.Awaitility.await;

import io.coord.client.ChildrenResult;
import io.coord.client.ClientOptions;
import io.coord.client.CoordClient;
import io.coord.client.RetryNTimes;
import io.coord.server.TestPorts;
import io.coord.server.config.ConfigParser;
import io.coord.server.config.ServerConfig;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.IntFunction;
import io.coord.server.pipeline.FatalHandler;
import io.coord.server.storage.LogIo;

/**
 * N ensemble members in this JVM (ids 1..N) whose member links all run through {@link FaultProxy}s:
 * member i dials member j (i &lt; j) through proxy [i][j], because its server.j line names the proxy.
 */
public final class InProcessEnsemble implements AutoCloseable {
    public static final int TICK_TIME_MS = 200;

    private final Path dir;
    private final int size;
    private final int snapCount;
    private final long segmentBytes;
    private final int[] clientPorts;
    private final int[] quorumPorts;
    private final FaultProxy[][] proxies;
    private final EnsembleMember[] members;
    private IntFunction<FatalHandler> fatalFor = id -> FatalHandler.HALT;
    private IntFunction<LogIo> logIoFor = id -> LogIo.REAL;
    /** zoo.cfg lines added to every member's config (a test's own settings). */
    private String extraConfig = "";

    public InProcessEnsemble(Path dir, int size, int snapCount, long segmentBytes) throws IOException {
        this.dir = dir;
        this.size = size;
        this.snapCount = snapCount;
        this.segmentBytes = segmentBytes;
        this.clientPorts = new int[size + 1];
        this.quorumPorts = new int[size + 1];
        this.proxies = new FaultProxy[size + 1][size + 1];
        this.members = new EnsembleMember[size + 1];
        pickPorts();
    }

    /** Free ports for every member and a fault proxy in front of every link. */
    private void pickPorts() throws IOException {
        for (int id = 1; id <= size; id++) {
            clientPorts[id] = TestPorts.next();
            quorumPorts[id] = TestPorts.next();
        }
        for (int i = 1; i <= size; i++) {
            for (int j = i + 1; j <= size; j++) {
                proxies[i][j] = new FaultProxy(quorumPorts[j]);
            }
        }
    }

    private void closeProxies() throws InterruptedException {
        for (FaultProxy[] row : proxies) {
            for (int j = 0; j < row.length; j++) {
                if (row[j] != null) {
                    row[j].close();
                    row[j] = null;
                }
            }
        }
    }


    Path dataDir(int id) {
        return dir.resolve("data" + id);
    }

    public ServerConfig config(int id) {
        StringBuilder cfg = new StringBuilder();
        cfg.append("tickTime=").append(TICK_TIME_MS).append("\ninitLimit=10\nsyncLimit=5\n")
                .append("dataDir=").append(dataDir(id).toAbsolutePath()).append('\n')
                .append("clientPort=").append(clientPorts[id]).append("\nclientPortAddress=127.0.0.1\n")
                .append("snapCount=").append(snapCount).append("\nautopurge.snapRetainCount=3\n")
                .append("maxSessionTimeout=30000\n4lw.commands.whitelist=*\n").append(extraConfig);
        for (int m = 1; m <= size; m++) {
            int port = m > id ? proxies[id][m].port() : quorumPorts[m];
            cfg.append("server.").append(m).append("=127.0.0.1:").append(port).append(":1\n");
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(cfg.toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return ConfigParser.parse(p);
    }

    /**
     * Starts every member. A port picked free can be taken by someone else before a member binds
     * it (other tests' ephemeral ports share the range), so a failed bind starts over with fresh
     * ports, up to three times.
     */
    public void startAll() throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                for (int id = 1; id <= size; id++) {
                    start(id);
                }
                return;
            } catch (IOException | RuntimeException e) {
                if (attempt >= 3 || !causedByBind(e)) {
                    throw e;
                }
                for (int id = 1; id <= size; id++) {
                    stop(id);
                }
                try {
                    closeProxies();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pickPorts();
            }
        }
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    /** zoo.cfg lines (newline-terminated) for every member started from now on. */
    public void extraConfig(String lines) {
        this.extraConfig = lines;
    }

    /** What members started from now on do on a fatal failure, and how their logs write (tests' faults). */
    public void hooks(IntFunction<FatalHandler> fatal, IntFunction<LogIo> logIo) {
        this.fatalFor = fatal;
        this.logIoFor = logIo;
    }

    public synchronized void start(int id) throws IOException {
        java.nio.file.Files.createDirectories(dataDir(id));
        java.nio.file.Files.writeString(dataDir(id).resolve("myid"), id + "\n");
        members[id] = EnsembleMember.start(config(id), segmentBytes, fatalFor.apply(id), logIoFor.apply(id));
    }

    public synchronized void stop(int id) {
        if (members[id] != null) {
            members[id].close();
            members[id] = null;
        }
    }

    public EnsembleMember member(int id) {
        return members[id];
    }

    /** Every link of member {@code id}, as proxies. */
    public List<FaultProxy> linksOf(int id) {
        List<FaultProxy> links = new ArrayList<>();
        for (int m = 1; m <= size; m++) {
            if (m != id) {
                links.add(proxies[Math.min(id, m)][Math.max(id, m)]);
            }
        }
        return links;
    }

    public void healAll() {
        for (FaultProxy[] row : proxies) {
            for (FaultProxy p : row) {
                if (p != null) {
                    p.heal();
                }
            }
        }
    }

    public String mode(int id) {
        return modeIn(fourLetterWord(id, "srvr"));
    }

    /** srvr's Mode in {@code srvr}'s text: null without an answer, "looking" when it has no Mode line. */
    static String modeIn(String srvr) {
        if (srvr == null) {
            return null;
        }
        for (String line : srvr.split("\n")) {
            if (line.startsWith("Mode: ")) {
                return line.substring(6).trim();
            }
        }
        return "looking";
    }

    public String fourLetterWord(int id, String word) {
        return fourLetterWordAt(clientPorts[id], word);
    }

    /** A four-letter word's answer from the client port {@code port} on loopback, or null. */
    static String fourLetterWordAt(int port, String word) {
        return io.coord.client.FourLetterWords.askLoopback(port, word);
    }

    /** The one serving leader among the given members, or -1. */
    public int leader(int... ids) {
        int found = -1;
        for (int id : ids) {
            if (members[id] != null && "leader".equals(mode(id))) {
                if (found > 0) {
                    return -1;
                }
                found = id;
            }
        }
        return found;
    }

    public int[] all() {
        int[] ids = new int[size];
        Arrays.setAll(ids, i -> i + 1);
        return ids;
    }

    /** Waits until the given members serve under one leader among them. */
    public void awaitServing(int... ids) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (leader(ids) < 0) {
                return false;
            }
            for (int id : ids) {
                String mode = mode(id);
                if (!"leader".equals(mode) && !"follower".equals(mode)) {
                    return false;
                }
            }
            return true;
        });
    }

    public String connectString(int id) {
        return "127.0.0.1:" + clientPorts[id];
    }

    static CoordClient client(String connectString) {
        return CoordClient.connect(connectString, ClientOptions.builder().sessionTimeoutMs(10_000)
                .connectionTimeoutMs(10_000).retryPolicy(new RetryNTimes(0, 0)).build());
    }

    /** Every node under {@code root} with its data, read from member {@code id} after a sync. */
    public TreeMap<String, String> dump(int id, String root) {
        try (CoordClient c = client(connectString(id))) {
            c.sync(root);
            TreeMap<String, String> out = new TreeMap<>();
            walk(c, root, out);
            return out;
        }
    }

    private static void walk(CoordClient c, String path, TreeMap<String, String> out) {
        out.put(path, c.getData(path).text());
        ChildrenResult children = c.getChildren(path);
        for (String child : children.children()) {
            walk(c, (path.equals("/") ? "" : path) + "/" + child, out);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (int id = 1; id <= size; id++) {
            stop(id);
        }
        closeProxies();
    }
}
