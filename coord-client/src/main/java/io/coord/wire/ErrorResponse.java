package io.coord.wire;

/** A result code as a body: the error result inside a multi reply, and the reply of addWatch (106). */
public record ErrorResponse(int err) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeInt(err);
    }

    public static ErrorResponse read(JuteReader in) {
        return new ErrorResponse(in.readInt());
    }
}
