package io.coord.server.zab;

/**
 * How the core recognises configuration changes in the opaque history (given by the adapter, which
 * owns the txn format). Both methods must be pure and cheap for ordinary txns: {@link #configIn} is
 * asked for every entry appended to the log.
 */
public interface MembershipCodec {
    /** The configuration a txn installs once committed, or null when the txn is not a reconfig. */
    Membership configIn(long zxid, byte[] txn);

    /** A configuration carried in a vote or a sync bundle ({@link Membership#encoded()}), or null if unreadable. */
    Membership decode(byte[] encoded);

    /** No txn changes the configuration (an ensemble without reconfig, and the core's tests). */
    MembershipCodec NONE = new MembershipCodec() {
        @Override
        public Membership configIn(long zxid, byte[] txn) {
            return null;
        }

        @Override
        public Membership decode(byte[] encoded) {
            return null;
        }
    };
}
