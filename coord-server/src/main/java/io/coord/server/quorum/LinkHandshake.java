package io.coord.server.quorum;

import io.coord.server.quorum.QuorumCodec.Auth;
import io.coord.server.quorum.QuorumCodec.AuthStatus;
import io.coord.server.quorum.QuorumCodec.Hello;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of a member link, before any ZAB or pipeline frame may pass: the dialer's
 * {@link Hello}, then — with quorum SASL — its DIGEST-MD5 login ({@link Auth} frames). When the link
 * is established this handler fires {@link Ready} with the peer's id and leaves the pipeline; until
 * then the transport does not know the channel, so nothing the core sends can reach an
 * unauthenticated member. A link that fails here is closed with one WARN line on the member that
 * refused it saying why (wrong credentials, no login where one is required, a login where
 * quorum SASL is off); the dialer logs the refusal it sees and redials with backoff.
 *
 * <p>The matrix is ZooKeeper's (its rolling upgrade): the dialer logs in when its
 * learnerRequireSasl is set and then needs the server's SUCCESS; the acceptor takes a link without
 * a login unless its serverRequireSasl is set. A login that is attempted and fails is refused in
 * every mode (ZooKeeper's server may keep it, but its learner, which only logs in when it requires
 * the login, drops it at once: the outcome is the same).
 */
final class LinkHandshake extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(LinkHandshake.class);
    /** A link that has not finished its hello and login by then is closed (a silent or stuck peer). */
    static final long TIMEOUT_MS = 10_000;
    /** Challenge rounds a login may take; DIGEST-MD5 needs two. */
    private static final int MAX_ROUNDS = 5;

    /** Fired down the pipeline once the link may carry frames: the peer it connects to. */
    record Ready(long peer) {
    }

    private final long myId;
    /** The member this end dialed, or -1 on the accepting end until the hello names it. */
    private long peer;
    private final QuorumSasl sasl;
    /** Whether a member id may connect: a member, or with reconfig any id but this one's (a joiner). */
    private final LongPredicate validPeer;
    /** This end accepted the link (the peer dialed it). */
    private final boolean accepting;
    /** Told the id of a member whose link this accepting end refused (a failed or missing login). */
    private final LongConsumer refused;
    private SaslClient client;
    private SaslServer server;
    private int rounds;
    private boolean done;
    private ScheduledFuture<?> timeout;

    /**
     * @param dialedPeer the member dialed, or -1 for a link another member dialed
     * @param sasl       quorum SASL, or null when it is off
     * @param refused    told each member id this accepting end refuses after its hello named it
     */
    LinkHandshake(long myId, long dialedPeer, QuorumSasl sasl, LongPredicate validPeer, LongConsumer refused) {
        this.myId = myId;
        this.peer = dialedPeer;
        this.accepting = dialedPeer < 0;
        this.sasl = sasl;
        this.validPeer = validPeer;
        this.refused = refused;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        timeout = ctx.executor().schedule(() -> {
            if (!done) {
                LOG.warn("member {}: closing the quorum link with {} (member {}): no hello{} within {} ms", myId,
                        ctx.channel().remoteAddress(), peer < 0 ? "?" : peer, sasl == null ? "" : " or SASL login",
                        TIMEOUT_MS);
                ctx.close();
            }
        }, TIMEOUT_MS, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
        if (peer >= 0) {
            startDialed(ctx);
        }
    }

    /** The dialing end: the hello, then the first login token or, without a login, the link is up. */
    private void startDialed(ChannelHandlerContext ctx) {
        boolean login = sasl != null && sasl.learnerLogsIn();
        write(ctx, new Hello(myId, login));
        if (!login) {
            ready(ctx);
            return;
        }
        try {
            client = sasl.newClient();
            byte[] first = client.hasInitialResponse() ? client.evaluateChallenge(new byte[0]) : new byte[0];
            write(ctx, new Auth(AuthStatus.IN_PROGRESS, first));
        } catch (SaslException e) {
            fail(ctx, "cannot start its SASL login to member " + peer + ": " + e.getMessage(), null);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Object frame;
        try {
            frame = QuorumCodec.decode(ByteBufUtil.getBytes((ByteBuf) msg));
        } catch (RuntimeException e) {
            fail(ctx, "an unreadable frame from " + describe(ctx) + " before the link was established: " + e, null);
            return;
        } finally {
            ReferenceCountUtil.release(msg);
        }
        if (done) {
            return; // closing
        }
        try {
            if (client != null) {
                onServerAnswer(ctx, frame);
            } else if (server != null) {
                onLearnerToken(ctx, frame);
            } else if (peer < 0) {
                onHello(ctx, frame);
            } else {
                fail(ctx, "member " + peer + " sent " + frame.getClass().getSimpleName() + " before the link was up",
                        null);
            }
        } catch (SaslException | RuntimeException e) {
            // RuntimeException: the JDK's mechanism reports some malformed tokens that way.
            String what = client != null ? "the SASL login of this member (user '" + sasl.config().learnerUser()
                    + "', JAAS section " + sasl.config().learnerSection() + ") to member " + peer + " failed: "
                    : "refusing member " + peer + " (" + describe(ctx) + "): its SASL login failed: ";
            fail(ctx, what + e.getMessage(), client != null ? null : new Auth(AuthStatus.ERROR, new byte[0]));
        }
    }

    /** Accepting end, first frame: the dialer's hello decides whether a login follows. */
    private void onHello(ChannelHandlerContext ctx, Object frame) throws SaslException {
        if (!(frame instanceof Hello h) || !validPeer.test(h.memberId())) {
            fail(ctx, "closing quorum connection from " + describe(ctx) + ": no valid hello", null);
            return;
        }
        peer = h.memberId();
        if (h.saslLogin()) {
            if (sasl == null) {
                fail(ctx, "refusing member " + peer + " (" + describe(ctx) + "): it logs in with SASL"
                        + " (quorum.auth.learnerRequireSasl) but quorum.auth.enableSasl is off on this member", null);
                return;
            }
            server = sasl.newServer();
            return;
        }
        if (sasl != null && sasl.serverRequiresLogin()) {
            fail(ctx, "refusing member " + peer + " (" + describe(ctx) + "): it does not log in with SASL and"
                    + " quorum.auth.serverRequireSasl is true", new Auth(AuthStatus.ERROR, new byte[0]));
            return;
        }
        ready(ctx);
    }

    /** Accepting end: one token of the learner's login. */
    private void onLearnerToken(ChannelHandlerContext ctx, Object frame) throws SaslException {
        if (!(frame instanceof Auth a)) {
            throw new SaslException("expected a login token, got " + frame.getClass().getSimpleName());
        }
        if (++rounds > MAX_ROUNDS) {
            throw new SaslException("no result after " + MAX_ROUNDS + " rounds");
        }
        byte[] challenge = server.evaluateResponse(a.token());
        if (!server.isComplete()) {
            write(ctx, new Auth(AuthStatus.IN_PROGRESS, challenge));
            return;
        }
        String user = server.getAuthorizationID();
        write(ctx, new Auth(AuthStatus.SUCCESS, challenge == null ? new byte[0] : challenge));
        LOG.info("member {}: member {} ({}) logged in with SASL ({}) as '{}'", myId, peer, describe(ctx),
                QuorumSasl.MECHANISM, user);
        ready(ctx);
    }

    /** Dialing end: the server's answer to the last token. */
    private void onServerAnswer(ChannelHandlerContext ctx, Object frame) throws SaslException {
        if (!(frame instanceof Auth a)) {
            throw new SaslException("member " + peer + " answered with " + frame.getClass().getSimpleName());
        }
        switch (a.status()) {
            case IN_PROGRESS -> {
                if (++rounds > MAX_ROUNDS) {
                    throw new SaslException("no result after " + MAX_ROUNDS + " rounds");
                }
                write(ctx, new Auth(AuthStatus.IN_PROGRESS, client.evaluateChallenge(a.token())));
            }
            case SUCCESS -> {
                if (!client.isComplete()) {
                    // The server's proof that it knows the password (DIGEST-MD5's rspauth).
                    client.evaluateChallenge(a.token());
                }
                if (!client.isComplete()) {
                    throw new SaslException("member " + peer + " said SUCCESS before the exchange ended");
                }
                LOG.info("member {} logged in to member {} with SASL ({})", myId, peer, QuorumSasl.MECHANISM);
                ready(ctx);
            }
            case ERROR -> throw new SaslException("member " + peer + " refused it (wrong credentials, or that"
                    + " member requires a login this one cannot give; its log says which)");
        }
    }

    private void ready(ChannelHandlerContext ctx) {
        done = true;
        dispose();
        ctx.fireUserEventTriggered(new Ready(peer));
        ctx.pipeline().remove(this);
    }

    /** One WARN line, then the link is closed (after {@code last}, when given, reaches the peer). */
    private void fail(ChannelHandlerContext ctx, String why, Auth last) {
        done = true;
        dispose();
        LOG.warn("member {}: {}", myId, why);
        if (accepting && peer >= 0) {
            refused.accept(peer);
        }
        if (last != null) {
            ctx.channel().writeAndFlush(frame(ctx, last)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    private static void write(ChannelHandlerContext ctx, Object msg) {
        ctx.channel().writeAndFlush(frame(ctx, msg), ctx.channel().voidPromise());
    }

    private static ByteBuf frame(ChannelHandlerContext ctx, Object msg) {
        byte[] payload = QuorumCodec.encode(msg);
        return ctx.alloc().buffer(Integer.BYTES + payload.length).writeInt(payload.length).writeBytes(payload);
    }

    private static String describe(ChannelHandlerContext ctx) {
        return String.valueOf(ctx.channel().remoteAddress());
    }

    private void dispose() {
        if (timeout != null) {
            timeout.cancel(false);
        }
        try {
            if (client != null) {
                client.dispose();
            }
            if (server != null) {
                server.dispose();
            }
        } catch (SaslException e) {
            LOG.debug("disposing a SASL mechanism: {}", e.toString());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            done = true;
            dispose();
            if (client != null) {
                LOG.warn("member {}: member {} closed the link during this member's SASL login (is"
                        + " quorum.auth.enableSasl on there?)", myId, peer);
            }
        }
        ctx.fireChannelInactive();
    }
}
