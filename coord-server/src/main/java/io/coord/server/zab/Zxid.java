package io.coord.server.zab;

/** Zxid arithmetic: the high 32 bits are the epoch, the low 32 bits a counter within that epoch. */
public final class Zxid {
    /** The zxid of an empty history. */
    public static final long ZERO = 0L;
    /** Largest counter a leader may use before it must step down to start a new epoch. */
    public static final long MAX_COUNTER = 0xffff_fffeL;

    private Zxid() {
    }

    public static long make(long epoch, long counter) {
        if (epoch < 0 || epoch > 0x7fff_ffffL || counter < 0 || counter > 0xffff_ffffL) {
            throw new IllegalArgumentException("bad epoch/counter " + epoch + "/" + counter);
        }
        return (epoch << 32) | counter;
    }

    public static long epochOf(long zxid) {
        return zxid >>> 32;
    }

    public static long counterOf(long zxid) {
        return zxid & 0xffff_ffffL;
    }

    /** The zxid a leader of {@code epoch} proposes right after {@code last}. */
    public static long next(long last, long epoch) {
        return epochOf(last) == epoch ? last + 1 : make(epoch, 1);
    }

    public static String format(long zxid) {
        return "0x" + Long.toHexString(zxid);
    }
}
