package io.coord.wire;

import java.util.List;

/** Reply of getEphemerals (103): full paths. */
public record GetEphemeralsResponse(List<String> ephemerals) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeStringList(ephemerals);
    }

    public static GetEphemeralsResponse read(JuteReader in) {
        return new GetEphemeralsResponse(in.readStringList());
    }
}
