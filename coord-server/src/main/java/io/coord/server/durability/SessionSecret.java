package io.coord.server.durability;

import io.coord.server.session.SessionTracker;
import io.coord.server.storage.MetaStore;
import java.io.IOException;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The per-server secret session passwords are derived from. Written once and kept, so that a
 * client can reattach to its session after the server restarts.
 */
public final class SessionSecret {
    static final String FILE = "session-secret";

    private SessionSecret() {
    }

    public static byte[] loadOrCreate(MetaStore meta, RandomGenerator random) throws IOException {
        Optional<byte[]> existing = meta.read(FILE);
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] secret = SessionTracker.newSecret(random);
        meta.write(FILE, secret);
        return secret;
    }
}
