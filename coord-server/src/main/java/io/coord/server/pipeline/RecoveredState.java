package io.coord.server.pipeline;

import io.coord.server.session.SessionTracker;
import io.coord.server.tree.DataTree;

/** What start-up rebuilt from disk: the tree, the live sessions and the last durable zxid. */
public record RecoveredState(DataTree tree, SessionTracker sessions, long lastZxid) {
}
