package io.coord.server.pipeline;

import io.coord.wire.JuteRecord;

/** One decoded request as the request thread sees it. */
record Request(int xid, int type, JuteRecord body, long arrivalNanos) {
}
