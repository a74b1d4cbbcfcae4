package io.coord.server.net;

import io.coord.server.config.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What a TLS config's key and trust store files looked like when they were last read (modification
 * time, size, file key): a difference means a store was rewritten and its TLS context is rebuilt, so
 * new connections use the new certificates while open ones keep theirs (certificate reload).
 */
public final class StoreStamps {
    private final TlsConfig config;
    private FileStamp keyStamp;
    private FileStamp trustStamp;

    private record FileStamp(long modifiedNanos, long size, Object fileKey) {
        static FileStamp of(TlsConfig.Store store) {
            if (store == null) {
                return null;
            }
            try {
                BasicFileAttributes a = Files.readAttributes(store.location(), BasicFileAttributes.class);
                return new FileStamp(a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.size(), a.fileKey());
            } catch (IOException e) {
                return new FileStamp(-1, -1, null); // gone or unreadable: a change; the rebuild says why
            }
        }
    }

    /** Stamps the stores as they are now (just before the first context is built from them). */
    public StoreStamps(TlsConfig config) {
        this.config = config;
        keyStamp = FileStamp.of(config.keyStore());
        trustStamp = FileStamp.of(config.trustStore());
    }

    /** True (once per change) when a store file differs from when this was last asked. */
    public synchronized boolean changed() {
        FileStamp key = FileStamp.of(config.keyStore());
        FileStamp trust = FileStamp.of(config.trustStore());
        if (Objects.equals(key, keyStamp) && Objects.equals(trust, trustStamp)) {
            return false;
        }
        keyStamp = key;
        trustStamp = trust;
        return true;
    }
}
