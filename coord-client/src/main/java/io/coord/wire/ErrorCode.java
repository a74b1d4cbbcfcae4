package io.coord.wire;

import java.util.HashMap;
import java.util.Map;

/** ZooKeeper's result codes (KeeperException.Code), carried in {@code ReplyHeader.err}. */
public enum ErrorCode {
    OK(0), SYSTEMERROR(-1), RUNTIMEINCONSISTENCY(-2), DATAINCONSISTENCY(-3), CONNECTIONLOSS(-4),
    MARSHALLINGERROR(-5), UNIMPLEMENTED(-6), OPERATIONTIMEOUT(-7), BADARGUMENTS(-8),
    NEWCONFIGNOQUORUM(-13), RECONFIGINPROGRESS(-14), UNKNOWNSESSION(-12), APIERROR(-100),
    NONODE(-101), NOAUTH(-102), BADVERSION(-103), NOCHILDRENFOREPHEMERALS(-108), NODEEXISTS(-110),
    NOTEMPTY(-111), SESSIONEXPIRED(-112), INVALIDCALLBACK(-113), INVALIDACL(-114), AUTHFAILED(-115),
    SESSIONMOVED(-118), NOTREADONLY(-119), EPHEMERALONLOCALSESSION(-120), NOWATCHER(-121),
    REQUESTTIMEOUT(-122), RECONFIGDISABLED(-123), SESSIONCLOSEDREQUIRESASLAUTH(-124),
    QUOTAEXCEEDED(-125), THROTTLEDOP(-127);

    private static final Map<Integer, ErrorCode> BY_CODE = new HashMap<>();

    static {
        for (ErrorCode c : values()) {
            BY_CODE.put(c.code, c);
        }
    }

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The code for an int from the wire; unknown ints map to SYSTEMERROR rather than failing. */
    public static ErrorCode of(int code) {
        return BY_CODE.getOrDefault(code, SYSTEMERROR);
    }
}
