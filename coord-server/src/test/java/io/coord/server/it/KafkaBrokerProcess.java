package io.coord.server.it;

import io.coord.server.TestPorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kafka 3.9 broker in ZooKeeper mode ({@code kafka.Kafka} with a server.properties) in its own
 * JVM: JAAS ({@code java.security.auth.login.config}) and the ZooKeeper client's system
 * properties are per JVM, so each broker gets its own. Compiled only with the kafka profile.
 */
final class KafkaBrokerProcess implements AutoCloseable {
    static final int BROKER_ID = 1;

    private final Process process;
    private final Path outputFile;
    private final int port;

    private KafkaBrokerProcess(Process process, Path outputFile, int port) {
        this.process = process;
        this.outputFile = outputFile;
        this.port = port;
    }

    /**
     * Writes workDir/server.properties (a single broker: every internal topic with one replica, a
     * PLAINTEXT listener on a free loopback port) plus {@code extraProps}, and starts the JVM
     * with {@code jvmArgs}; does not wait for it to register.
     */
    static KafkaBrokerProcess launch(Path workDir, String zookeeperConnect, Map<String, String> extraProps,
                                     List<String> jvmArgs) throws IOException {
        int port = TestPorts.next();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("broker.id", String.valueOf(BROKER_ID));
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("log.dirs", workDir.resolve("kafka-logs").toAbsolutePath().toString());
        props.put("zookeeper.connect", zookeeperConnect);
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "1");
        props.putAll(extraProps);
        StringBuilder text = new StringBuilder();
        props.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Files.createDirectories(workDir);
        Path propsFile = workDir.resolve("server.properties");
        Files.writeString(propsFile, text.toString(), StandardCharsets.UTF_8);
        Path output = workDir.resolve("kafka.out");

        List<String> allJvmArgs = new ArrayList<>(List.of("-Xmx512m"));
        allJvmArgs.addAll(jvmArgs);
        Process process = ServerProcess.startJvm(allJvmArgs, "kafka.Kafka", propsFile, output);
        return new KafkaBrokerProcess(process, output, port);
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        return ServerProcess.readOutput(outputFile);
    }

    /** SIGKILL and reap: the broker's ephemeral nodes go with its session, nothing is left running. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }
}
