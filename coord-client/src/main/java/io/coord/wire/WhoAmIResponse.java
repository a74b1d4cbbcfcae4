package io.coord.wire;

import java.util.List;

/** Reply of whoAmI (107): every identity the session has authenticated as. */
public record WhoAmIResponse(List<ClientInfo> clientInfo) implements JuteRecord {
    @Override
    public void write(JuteWriter out) {
        out.writeRecordList(clientInfo);
    }

    public static WhoAmIResponse read(JuteReader in) {
        return new WhoAmIResponse(in.readRecordList(ClientInfo::read, ClientInfo.MIN_BYTES));
    }
}
