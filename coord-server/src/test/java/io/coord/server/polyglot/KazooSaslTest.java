package io.coord.server.polyglot;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.coord.server.compat.TestTarget;
import io.coord.server.config.SaslConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kazoo with {@code sasl_options} (DIGEST-MD5, through pure-sasl) against a server with SASL
 * users: compat/kazoo_sasl.py logs in, creates a node with ACL {@code sasl:<user>}, checks that a
 * session without SASL is denied, and that a wrong password ends in kazoo's AUTH_FAILED state.
 * Skipped when kazoo or pure-sasl is missing.
 */
class KazooSaslTest {

    @Test
    void kazooLogsInWithDigestMd5() throws Exception {
        KazooScripts.assumeImportable("kazoo, puresasl");
        SaslConfig sasl = new SaslConfig(Map.of("jaasuser", "jaas_password"), "Server", "test",
                false, false, false, false);
        try (TestTarget target = TestTarget.start(b -> b.sasl(sasl))) {
            assumeTrue(target.isCoord(), "the ZooKeeper oracle runs without a JAAS file");
            KazooScripts.assertSaslLogin(target.connectString(), target.connectString(), "jaasuser", "jaas_password");
        }
    }
}
