package io.coord.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.coord.server.it.KafkaTestServers.Target;
import io.coord.server.tls.TestCerts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real Kafka 3.9.2 broker in ZooKeeper mode, in its own JVM, against a standalone Coord, a
 * three-member Coord ensemble and — the oracle — a standalone ZooKeeper 3.9.5 server configured
 * alike (each member from a zoo.cfg in its own JVM):
 * once logged in with SASL DIGEST-MD5 from a JAAS {@code Client} section with
 * {@code zookeeper.set.acl=true}, once over TLS ({@code zookeeper.ssl.client.enable}). The broker
 * must register, become controller and serve a topic (AdminClient, producer, consumer).
 * Only with the kafka profile: {@code mvn -o -B verify -pl coord-server -am -Pkafka
 * -Dtest='KafkaBrokerProcessTest' -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KafkaBrokerProcessTest {
    private static final String KAFKA_PASSWORD = "kafka-secret";
    private static final String TOPIC = "coord-kafka-test";
    /** A loaded machine can take tens of seconds to start a broker. */
    private static final Duration BROKER_WAIT = Duration.ofSeconds(180);
    private static final Duration CLIENT_WAIT = Duration.ofSeconds(60);
    /** Kafka asks for 18 s; a 200 ms tick would cap that at 4 s, too short for a broker starting up. */
    private static final String MAX_SESSION_TIMEOUT_MS = "60000";
    /**
     * The 3.9.5 client on this class path (Kafka 3.9 ships 3.8.4, which has no FIPS mode) refuses
     * DIGEST-MD5 in its default FIPS mode without asking the server.
     */
    private static final String NO_FIPS = "-Dzookeeper.fips-mode=false";
    private static final Map<String, String> SASL_KEYS = Map.of(
            "authProvider.1", "org.apache.zookeeper.server.auth.SASLAuthenticationProvider",
            "maxSessionTimeout", MAX_SESSION_TIMEOUT_MS);
    private static final ACL KAFKA_ALL = new ACL(Perms.ALL, new Id("sasl", "kafka"));
    private static final ACL WORLD_READ = new ACL(Perms.READ, new Id("world", "anyone"));

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(Target.class)
    void saslBrokerWithSetAclRegistersElectsAndServesATopic(Target target) throws Exception {
        try (KafkaTestServers servers = KafkaTestServers.start(target, work, SASL_KEYS, serverJaasArgs(), false);
             KafkaBrokerProcess broker = saslBroker(servers)) {
            ZooKeeper zk = ProcessTestSupport.connect(servers.connectString(), 10_000);
            try {
                registersElectsAndServes(zk, broker);
                // set.acl: what Kafka created is Kafka's (sasl:kafka), world-readable at most.
                for (String path : List.of("/brokers/ids/" + KafkaBrokerProcess.BROKER_ID, "/controller",
                        "/brokers/topics/" + TOPIC, "/config/topics/" + TOPIC)) {
                    assertEquals(List.of(KAFKA_ALL, WORLD_READ), zk.getACL(path, new Stat()), target + " " + path);
                }
                // Kafka's sensitive roots (user and broker configs, delegation tokens) have no world
                // entry, so a session without SASL cannot even read their ACL (getACL needs READ).
                assertThrows(KeeperException.NoAuthException.class, () -> zk.getACL("/config/brokers", new Stat()));
                assertThrows(KeeperException.NoAuthException.class, () -> zk.getData("/config/brokers", false, null));
                assertThrows(KeeperException.NoAuthException.class,
                        () -> zk.setData("/brokers/topics/" + TOPIC, new byte[0], -1));
            } finally {
                zk.close();
            }
        }
    }

    /**
     * Coord ensemble only (the oracle runs standalone): the member holding the broker's SASL session
     * is killed; the session moves to another member (logging in again there) without expiring,
     * and the controller can still write under Kafka's sasl-only ACLs: a second topic is created.
     */
    @Test
    void saslBrokerSessionMovesToAnotherMemberWhenItsMemberDies() throws Exception {
        try (KafkaTestServers servers = KafkaTestServers.start(Target.COORD_ENSEMBLE, work, SASL_KEYS,
                serverJaasArgs(), false);
             KafkaBrokerProcess broker = saslBroker(servers)) {
            String idPath = "/brokers/ids/" + KafkaBrokerProcess.BROKER_ID;
            long sessionId;
            int holder;
            try (ZooKeeper zk = ProcessTestSupport.connect(servers.connectString(), 10_000)) {
                registersElectsAndServes(zk, broker);
                sessionId = zk.exists(idPath, false).getEphemeralOwner();
                holder = servers.memberHolding(sessionId);
            }
            assertTrue(holder >= 0, "no member lists the broker's session 0x" + Long.toHexString(sessionId));
            servers.kill(holder);
            long deadlineNanos = System.nanoTime() + BROKER_WAIT.toNanos();
            while (servers.memberHolding(sessionId) < 0 && System.nanoTime() < deadlineNanos) {
                Thread.sleep(200);
            }
            assertTrue(servers.memberHolding(sessionId) >= 0,
                    "the broker's session did not reattach to a surviving member; broker output:\n" + broker.output());
            try (ZooKeeper zk = ProcessTestSupport.connect(servers.connectString(), 10_000)) {
                String second = TOPIC + "-after-failover";
                servesATopic(zk, broker, second);
                assertEquals(sessionId, zk.exists(idPath, false).getEphemeralOwner(),
                        "the broker registered again: its session expired instead of moving");
                assertEquals(List.of(KAFKA_ALL, WORLD_READ), zk.getACL("/brokers/topics/" + second, new Stat()));
            }
        }
    }

    /** The servers' JAAS file (a Server section with user kafka) and the JVM flags that name it. */
    private List<String> serverJaasArgs() throws Exception {
        Path serverJaas = writeJaas("server.jaas", """
                Server {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  user_kafka="%s";
                };
                """.formatted(KAFKA_PASSWORD));
        return List.of("-Djava.security.auth.login.config=" + serverJaas, NO_FIPS);
    }

    /** A broker logging in as kafka from a JAAS Client section, with zookeeper.set.acl=true. */
    private KafkaBrokerProcess saslBroker(KafkaTestServers servers) throws Exception {
        Path brokerJaas = writeJaas("broker.jaas", """
                Client {
                  org.apache.zookeeper.server.auth.DigestLoginModule required
                  username="kafka"
                  password="%s";
                };
                """.formatted(KAFKA_PASSWORD));
        return KafkaBrokerProcess.launch(work.resolve("broker"), servers.connectString(),
                Map.of("zookeeper.set.acl", "true"),
                List.of("-Djava.security.auth.login.config=" + brokerJaas, NO_FIPS));
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void tlsBrokerRegistersElectsAndServesATopic(Target target) throws Exception {
        TestCerts certs = TestCerts.create(work.resolve("certs"));
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("maxSessionTimeout", MAX_SESSION_TIMEOUT_MS);
        keys.put("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
        keys.put("ssl.keyStore.location", certs.keyStore("server").toString());
        keys.put("ssl.keyStore.password", TestCerts.PASSWORD);
        keys.put("ssl.trustStore.location", certs.trustStore("server-trust").toString());
        keys.put("ssl.trustStore.password", TestCerts.PASSWORD);
        Map<String, String> brokerProps = new LinkedHashMap<>();
        brokerProps.put("zookeeper.ssl.client.enable", "true");
        brokerProps.put("zookeeper.clientCnxnSocket", "org.apache.zookeeper.ClientCnxnSocketNetty");
        brokerProps.put("zookeeper.ssl.keystore.location", certs.keyStore("clientA").toString());
        brokerProps.put("zookeeper.ssl.keystore.password", TestCerts.PASSWORD);
        brokerProps.put("zookeeper.ssl.truststore.location", certs.trustStore("client-trust").toString());
        brokerProps.put("zookeeper.ssl.truststore.password", TestCerts.PASSWORD);
        // Kafka's client asks for TLSv1.2 by default, which ZooKeeper 3.9's default (TLSv1.3 only)
        // refuses with a protocol_version alert; Coord offers both by default, so this setting is
        // only needed for the oracle, and set for both so they are configured alike.
        brokerProps.put("zookeeper.ssl.protocol", "TLSv1.3");
        // The broker talks to the TLS port only; the test's own client uses the plaintext one.
        try (KafkaTestServers servers = KafkaTestServers.start(target, work, keys, List.of(), true);
             KafkaBrokerProcess broker = KafkaBrokerProcess.launch(work.resolve("broker"),
                     servers.secureConnectString(), brokerProps, List.of())) {
            ZooKeeper zk = ProcessTestSupport.connect(servers.connectString(), 10_000);
            try {
                registersElectsAndServes(zk, broker);
            } finally {
                zk.close();
            }
        }
    }

    private Path writeJaas(String name, String text) throws Exception {
        Files.createDirectories(work);
        return Files.writeString(work.resolve(name), text, StandardCharsets.UTF_8);
    }

    /**
     * The broker's ephemeral registration and the controller node appear, then a topic is created
     * through the AdminClient and one record goes through a producer and a consumer.
     */
    private static void registersElectsAndServes(ZooKeeper zk, KafkaBrokerProcess broker) throws Exception {
        String idPath = "/brokers/ids/" + KafkaBrokerProcess.BROKER_ID;
        Stat registration = awaitNode(zk, idPath, broker);
        assertNotEquals(0L, registration.getEphemeralOwner(), idPath + " is not ephemeral");
        awaitNode(zk, "/controller", broker);
        String controller = new String(zk.getData("/controller", false, null), StandardCharsets.UTF_8);
        assertTrue(controller.contains("\"brokerid\":" + KafkaBrokerProcess.BROKER_ID), controller);
        servesATopic(zk, broker, TOPIC);
    }

    /** {@code topic} is created through the AdminClient (the controller writes it to ZooKeeper) and one record goes through. */
    private static void servesATopic(ZooKeeper zk, KafkaBrokerProcess broker, String topic) throws Exception {
        Properties common = new Properties();
        common.put("bootstrap.servers", broker.bootstrapServers());
        try (Admin admin = Admin.create(common)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all()
                    .get(CLIENT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        awaitNode(zk, "/brokers/topics/" + topic, broker);
        Properties producerProps = new Properties();
        producerProps.putAll(common);
        producerProps.put("key.serializer", StringSerializer.class.getName());
        producerProps.put("value.serializer", StringSerializer.class.getName());
        producerProps.put("acks", "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            producer.send(new ProducerRecord<>(topic, "k", "through coord"))
                    .get(CLIENT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        assertEquals(List.of("k=through coord"), consumeAll(common, topic));
    }

    /** Reads the topic's one partition from the start (no group: no offsets topic needed) until a record arrives. */
    private static List<String> consumeAll(Properties common, String topic) {
        Properties consumerProps = new Properties();
        consumerProps.putAll(common);
        consumerProps.put("key.deserializer", StringDeserializer.class.getName());
        consumerProps.put("value.deserializer", StringDeserializer.class.getName());
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadlineNanos = System.nanoTime() + CLIENT_WAIT.toNanos();
            while (seen.isEmpty() && System.nanoTime() < deadlineNanos) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    seen.add(record.key() + "=" + record.value());
                }
            }
        }
        return seen;
    }

    /** Polls until {@code path} exists; fails early with the broker's output when the broker died. */
    private static Stat awaitNode(ZooKeeper zk, String path, KafkaBrokerProcess broker) throws Exception {
        long deadlineNanos = System.nanoTime() + BROKER_WAIT.toNanos();
        while (System.nanoTime() < deadlineNanos) {
            Stat stat = zk.exists(path, false);
            if (stat != null) {
                return stat;
            }
            if (!broker.isAlive()) {
                throw new AssertionError("the broker exited before " + path + " appeared; output:\n" + broker.output());
            }
            Thread.sleep(200);
        }
        throw new AssertionError(path + " did not appear within " + BROKER_WAIT + "; broker output:\n" + broker.output());
    }
}
