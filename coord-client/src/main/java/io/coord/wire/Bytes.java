package io.coord.wire;

/** Helpers for records with {@code byte[]} fields, which must compare by content, not identity. */
final class Bytes {
    private Bytes() {
    }

    /** Short form for toString: payloads can be a megabyte, so print the size, not the bytes. */
    static String describe(byte[] b) {
        return b == null ? "null" : "byte[" + b.length + "]";
    }
}
