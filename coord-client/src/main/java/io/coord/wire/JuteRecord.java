package io.coord.wire;

/**
 * A record of the ZooKeeper jute schema. Every record also offers a static {@code read(JuteReader)};
 * together they are the codec, and round-trip tests hold them to each other.
 */
public interface JuteRecord {
    void write(JuteWriter out);

    /** Serialises this record alone into a fresh array (handy for tests, logs and snapshots). */
    default byte[] toBytes() {
        JuteWriter out = new JuteWriter(64);
        write(out);
        return out.toByteArray();
    }
}
