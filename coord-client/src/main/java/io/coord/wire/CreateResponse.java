package io.coord.wire;

/** Reply of create (1): the created path (with the sequence suffix, if any). */
public record CreateResponse(String path) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(path);
    }

    public static CreateResponse read(JuteReader in) {
        return new CreateResponse(in.readString());
    }
}
