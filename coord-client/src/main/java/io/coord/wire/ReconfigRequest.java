package io.coord.wire;

/**
 * Body of reconfig (16). Incremental (joining/leaving) or bulk (newMembers) membership change;
 * curConfigId -1 skips the config-version check. The reply body is a {@link GetDataResponse}.
 */
public record ReconfigRequest(String joiningServers, String leavingServers, String newMembers,
                              long curConfigId) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeString(joiningServers).writeString(leavingServers).writeString(newMembers)
                .writeLong(curConfigId);
    }

    public static ReconfigRequest read(JuteReader in) {
        return new ReconfigRequest(in.readString(), in.readString(), in.readString(), in.readLong());
    }
}
