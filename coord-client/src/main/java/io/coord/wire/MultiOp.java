package io.coord.wire;

import java.util.Objects;

/**
 * One op of a multi (14) or multiRead (22) request: its op code and its request body.
 * Write ops: create, create2, createContainer ({@link CreateRequest}), createTTL
 * ({@link CreateTTLRequest}), delete ({@link DeleteRequest}), setData ({@link SetDataRequest}),
 * check ({@link CheckVersionRequest}). Read ops: getChildren ({@link GetChildrenRequest}),
 * getData ({@link GetDataRequest}).
 */
public record MultiOp(int type, JuteRecord body) implements JuteRecord {
    public MultiOp {
        Objects.requireNonNull(body, "body");
        Class<?> expected = bodyClass(type);
        if (expected == null) {
            throw new IllegalArgumentException("op code " + type + " not allowed inside multi");
        }
        if (!expected.isInstance(body)) {
            throw new IllegalArgumentException("op code " + type + " needs a " + expected.getSimpleName()
                    + " body, got " + body.getClass().getSimpleName());
        }
    }

    public static MultiOp create(CreateRequest r) {
        return new MultiOp(OpCode.CREATE, r);
    }

    public static MultiOp create2(CreateRequest r) {
        return new MultiOp(OpCode.CREATE2, r);
    }

    public static MultiOp createContainer(CreateRequest r) {
        return new MultiOp(OpCode.CREATE_CONTAINER, r);
    }

    public static MultiOp createTtl(CreateTTLRequest r) {
        return new MultiOp(OpCode.CREATE_TTL, r);
    }

    public static MultiOp delete(DeleteRequest r) {
        return new MultiOp(OpCode.DELETE, r);
    }

    public static MultiOp setData(SetDataRequest r) {
        return new MultiOp(OpCode.SET_DATA, r);
    }

    public static MultiOp check(CheckVersionRequest r) {
        return new MultiOp(OpCode.CHECK, r);
    }

    public static MultiOp getChildren(GetChildrenRequest r) {
        return new MultiOp(OpCode.GET_CHILDREN, r);
    }

    public static MultiOp getData(GetDataRequest r) {
        return new MultiOp(OpCode.GET_DATA, r);
    }

    /** True for the ops a multi (14) may hold; false for multiRead's and for anything else. */
    public static boolean isWriteOp(int type) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER, OpCode.CREATE_TTL,
                    OpCode.DELETE, OpCode.SET_DATA, OpCode.CHECK -> true;
            default -> false;
        };
    }

    /** True for the ops a multiRead (22) may hold. */
    public static boolean isReadOp(int type) {
        return type == OpCode.GET_CHILDREN || type == OpCode.GET_DATA;
    }

    public boolean isWrite() {
        return isWriteOp(type);
    }

    /** Header (type, not done, err -1) then the body, as ZooKeeper clients write it. */
    @Override
    public void write(JuteWriter out) {
        new MultiHeader(type, false, -1).write(out);
        body.write(out);
    }

    /** Reads the body of an op whose header has already been read. */
    static MultiOp readBody(int type, JuteReader in) {
        JuteRecord body = switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> CreateRequest.read(in);
            case OpCode.CREATE_TTL -> CreateTTLRequest.read(in);
            case OpCode.DELETE -> DeleteRequest.read(in);
            case OpCode.SET_DATA -> SetDataRequest.read(in);
            case OpCode.CHECK -> CheckVersionRequest.read(in);
            case OpCode.GET_CHILDREN -> GetChildrenRequest.read(in);
            case OpCode.GET_DATA -> GetDataRequest.read(in);
            default -> throw new WireFormatException("op code " + type + " not allowed inside multi");
        };
        return new MultiOp(type, body);
    }

    private static Class<?> bodyClass(int type) {
        return switch (type) {
            case OpCode.CREATE, OpCode.CREATE2, OpCode.CREATE_CONTAINER -> CreateRequest.class;
            case OpCode.CREATE_TTL -> CreateTTLRequest.class;
            case OpCode.DELETE -> DeleteRequest.class;
            case OpCode.SET_DATA -> SetDataRequest.class;
            case OpCode.CHECK -> CheckVersionRequest.class;
            case OpCode.GET_CHILDREN -> GetChildrenRequest.class;
            case OpCode.GET_DATA -> GetDataRequest.class;
            default -> null;
        };
    }
}
