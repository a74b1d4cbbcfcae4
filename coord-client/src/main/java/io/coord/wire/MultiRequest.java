package io.coord.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Body of multi (14) and multiRead (22): each op is a {@link MultiHeader} then its request body,
 * and the list ends with {@link MultiHeader#DONE}. All ops must be of one kind: write ops for multi,
 * getChildren/getData for multiRead (ZooKeeper's client picks the op code from the kind, and its
 * server refuses a mix).
 */
public record MultiRequest(List<MultiOp> ops) implements JuteRecord {
    public MultiRequest {
        ops = List.copyOf(Objects.requireNonNull(ops, "ops"));
    }

    /** The op code to send this request with: multiRead when every op is a read, else multi. */
    public int opCode() {
        return !ops.isEmpty() && ops.stream().noneMatch(MultiOp::isWrite) ? OpCode.MULTI_READ : OpCode.MULTI;
    }

    @Override
    public void write(JuteWriter out) {
        for (MultiOp op : ops) {
            op.write(out);
        }
        MultiHeader.DONE.write(out);
    }

    /**
     * Reads ops of either kind but refuses a mix of reads and writes. Each op consumes at least one
     * header, so the list is bounded by the input length.
     */
    public static MultiRequest read(JuteReader in) {
        List<MultiOp> ops = new ArrayList<>();
        Boolean writes = null;
        for (MultiHeader h = MultiHeader.read(in); !h.done(); h = MultiHeader.read(in)) {
            MultiOp op = MultiOp.readBody(h.type(), in);
            if (writes == null) {
                writes = op.isWrite();
            } else if (writes != op.isWrite()) {
                throw new WireFormatException("multi mixes read and write ops");
            }
            ops.add(op);
        }
        return new MultiRequest(ops);
    }

    /** Reads the body of a request with the given op code, refusing ops of the other kind. */
    public static MultiRequest read(JuteReader in, int opCode) {
        if (opCode != OpCode.MULTI && opCode != OpCode.MULTI_READ) {
            throw new IllegalArgumentException("not a multi op code: " + opCode);
        }
        MultiRequest r = read(in);
        boolean wantWrites = opCode == OpCode.MULTI;
        for (MultiOp op : r.ops) {
            if (op.isWrite() != wantWrites) {
                throw new WireFormatException("op code " + op.type() + " not allowed inside "
                        + OpCode.name(opCode));
            }
        }
        return r;
    }
}
