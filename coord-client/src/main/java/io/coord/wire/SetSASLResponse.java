package io.coord.wire;

import java.util.Arrays;

/** Reply of sasl (102): the server's SASL token. Equality is by content. */
public record SetSASLResponse(byte[] token) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeBuffer(token);
    }

    public static SetSASLResponse read(JuteReader in) {
        return new SetSASLResponse(in.readBuffer());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SetSASLResponse r && Arrays.equals(token, r.token);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(token);
    }

    @Override
    public String toString() {
        return "SetSASLResponse[token=" + Bytes.describe(token) + "]";
    }
}
