package io.coord.wire;

import java.util.List;

/**
 * One result of a multi reply: the header's type and err, and the result body (null for delete
 * and check, which have none). For type -1 (error) the body is an {@link ErrorResponse} carrying
 * the same code as {@code err}.
 */
public record MultiResult(int type, int err, JuteRecord body) implements JuteRecord {
    public MultiResult {
        Class<?> expected = bodyClass(type);
        if (expected == null && body != null || expected != null && !expected.isInstance(body)) {
            throw new IllegalArgumentException("result type " + type + " cannot carry "
                    + (body == null ? "no body" : body.getClass().getSimpleName()));
        }
    }

    public static MultiResult error(int err) {
        return new MultiResult(OpCode.ERROR, err, new ErrorResponse(err));
    }

    public static MultiResult create(String path) {
        return new MultiResult(OpCode.CREATE, 0, new CreateResponse(path));
    }

    /** The result of create2, createTTL and createContainer: always sent with type create2 (15). */
    public static MultiResult create2(String path, Stat stat) {
        return new MultiResult(OpCode.CREATE2, 0, new Create2Response(path, stat));
    }

    public static MultiResult delete() {
        return new MultiResult(OpCode.DELETE, 0, null);
    }

    public static MultiResult check() {
        return new MultiResult(OpCode.CHECK, 0, null);
    }

    public static MultiResult setData(Stat stat) {
        return new MultiResult(OpCode.SET_DATA, 0, new SetDataResponse(stat));
    }

    public static MultiResult getChildren(List<String> children) {
        return new MultiResult(OpCode.GET_CHILDREN, 0, new GetChildrenResponse(children));
    }

    public static MultiResult getData(byte[] data, Stat stat) {
        return new MultiResult(OpCode.GET_DATA, 0, new GetDataResponse(data, stat));
    }

    public boolean isError() {
        return type == OpCode.ERROR;
    }

    @Override
    public void write(JuteWriter out) {
        new MultiHeader(type, false, err).write(out);
        if (body != null) {
            body.write(out);
        }
    }

    /** Reads the body for a header already read; the body kind follows from the header type. */
    static MultiResult readBody(MultiHeader h, JuteReader in) {
        JuteRecord body = switch (h.type()) {
            case OpCode.CREATE -> CreateResponse.read(in);
            case OpCode.CREATE2, OpCode.CREATE_TTL, OpCode.CREATE_CONTAINER -> Create2Response.read(in);
            case OpCode.DELETE, OpCode.CHECK -> null;
            case OpCode.SET_DATA -> SetDataResponse.read(in);
            case OpCode.GET_CHILDREN -> GetChildrenResponse.read(in);
            case OpCode.GET_DATA -> GetDataResponse.read(in);
            case OpCode.ERROR -> ErrorResponse.read(in);
            default -> throw new WireFormatException("invalid type " + h.type() + " in multi reply");
        };
        return new MultiResult(h.type(), h.err(), body);
    }

    private static Class<?> bodyClass(int type) {
        return switch (type) {
            case OpCode.CREATE -> CreateResponse.class;
            case OpCode.CREATE2, OpCode.CREATE_TTL, OpCode.CREATE_CONTAINER -> Create2Response.class;
            case OpCode.SET_DATA -> SetDataResponse.class;
            case OpCode.GET_CHILDREN -> GetChildrenResponse.class;
            case OpCode.GET_DATA -> GetDataResponse.class;
            case OpCode.ERROR -> ErrorResponse.class;
            case OpCode.DELETE, OpCode.CHECK -> null;
            default -> throw new IllegalArgumentException("invalid multi result type " + type);
        };
    }
}
