package io.coord.wire;

/**
 * A request header named an op code that is not a client request. ZooKeeper answers it with
 * UNIMPLEMENTED and closes the connection, so the server needs to tell it from other bad bytes.
 */
public final class UnknownOpCodeException extends WireFormatException {
    private static final long serialVersionUID = 1L;
    private final int opCode;

    public UnknownOpCodeException(int opCode, String message) {
        super(message);
        this.opCode = opCode;
    }

    public int opCode() {
        return opCode;
    }
}
