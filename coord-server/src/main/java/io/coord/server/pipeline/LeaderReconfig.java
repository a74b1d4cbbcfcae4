package io.coord.server.pipeline;

import io.coord.server.config.DynamicConfig;
import io.coord.server.config.ServerConfig;
import io.coord.server.txn.TxnCodec;
import io.coord.server.txn.TxnEntry;
import io.coord.server.zab.Actions;
import io.coord.server.zab.ZabCore;
import io.coord.wire.ErrorCode;
import io.coord.wire.KeeperError;
import java.util.function.Consumer;

/**
 * The leader's proposal of a reconfig request. Refusals are proposed as ErrorTxns (so the reply keeps
 * its place among the connection's writes), in ZooKeeper's order: RECONFIGDISABLED without
 * reconfigEnabled, UNIMPLEMENTED standalone, RECONFIGINPROGRESS while a change is pending, then
 * {@link EnsembleLeader#checkReconfig}'s; what passes goes to {@link ZabCore#proposeReconfig}, whose
 * own refusals (RECONFIG_IN_PROGRESS, NEW_CONFIG_NO_QUORUM: the new voters synced with this leader
 * are no quorum) are proposed as errors in turn. Request-thread only.
 */
final class LeaderReconfig {
    private LeaderReconfig() {
    }

    /** Proposes {@code f}; every Actions the core returns goes to {@code execute}, in order. */
    static long propose(ZabCore core, EnsembleLeader leader, ServerConfig config, ForwardedRequest f, long timeMs,
                        Consumer<Actions> execute, QuorumFigures figures) {
        ErrorCode refusal = null;
        DynamicConfig next = null;
        if (!config.reconfig().enabled()) {
            refusal = ErrorCode.RECONFIGDISABLED;
        } else if (config.standalone()) {
            refusal = ErrorCode.UNIMPLEMENTED;
        } else if (core.pendingConfig() != null) {
            refusal = ErrorCode.RECONFIGINPROGRESS;
        } else if (f.origin() == 0 && f.sessionId() == 0) {
            // The leader's own (establish): the configuration as it is, at a version of this epoch.
            if (core.committedConfig().version() == 0) {
                next = committed(core, config);
            } else {
                refusal = ErrorCode.RECONFIGINPROGRESS; // established meanwhile: nothing to do
            }
        } else {
            try {
                next = leader.checkReconfig(f, committed(core, config), core.lastZxid() + 1, timeMs);
            } catch (KeeperError e) {
                refusal = e.code();
            }
        }
        if (next != null) {
            DynamicConfig accepted = next;
            Actions a = core.proposeReconfig(ConfigTxnCodec.membership(accepted),
                    zxid -> encode(leader.prepareReconfig(f, accepted, zxid, timeMs), zxid, figures));
            refusal = switch (a.rejection()) {
                case RECONFIG_IN_PROGRESS -> ErrorCode.RECONFIGINPROGRESS;
                case NEW_CONFIG_NO_QUORUM -> ErrorCode.NEWCONFIGNOQUORUM;
                default -> null;
            };
            execute.accept(a);
            if (refusal == null) {
                return a.proposedZxid();
            }
        }
        ErrorCode code = refusal;
        Actions a = core.propose(zxid -> encode(leader.prepareRefusal(f, code, zxid, timeMs), zxid, figures));
        execute.accept(a);
        return a.proposedZxid();
    }

    /** The request {@link EnsembleProcessor} queues at a new leader whose configuration is at version 0. */
    static ForwardedRequest establish() {
        return ForwardedRequest.local(0, 0, 0, io.coord.wire.OpCode.RECONFIG, null, java.util.List.of(), null);
    }

    /** The committed membership as the core knows it (its text), or the config's at start-up. */
    static DynamicConfig committed(ZabCore core, ServerConfig config) {
        DynamicConfig c = DynamicConfig.parseOrNull(core.committedConfig().encoded());
        return c == null ? DynamicConfig.of(config) : c.withVersion(core.committedConfig().version());
    }

    private static byte[] encode(TxnEntry e, long zxid, QuorumFigures figures) {
        byte[] txn = TxnCodec.encode(e.header(), e.txn());
        figures.proposed(zxid, txn.length);
        return txn;
    }
}
