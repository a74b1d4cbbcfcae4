package io.coord.server.admin;

import io.coord.server.auth.AuthPolicy;
import io.coord.server.tree.DigestAuth;
import io.coord.wire.Acl;
import io.coord.wire.Id;
import io.coord.wire.Perms;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The check ZooKeeper 3.9 puts in front of snapshot and restore (its CVE-2025-58457 fix): the
 * {@code Authorization} header names a scheme and, for digest, {@code user:password}
 * ({@code Authorization: digest root:secret}); the ids it yields must have every bit of ALL on
 * {@code /} under the root's current ACL. No header, or one that authenticates nobody, is 401; ids
 * without ALL on {@code /} are 403. Schemes: {@code digest}, {@code ip} (the connection's
 * address) and {@code x509} ({@code Authorization: x509}: over HTTPS, the subject DN of the client
 * certificate the TLS handshake verified, as ZooKeeper's X509AuthenticationProvider takes it; with
 * admin.needClientAuth every HTTPS client presents one; without a certificate, 401).
 */
public final class AdminAuth {
    private final AuthPolicy policy;
    private final DataTransfer transfer;

    AdminAuth(AuthPolicy policy, DataTransfer transfer) {
        this.policy = policy;
        this.transfer = transfer;
    }

    /**
     * Who is calling, as the connection tells: its address (the ip scheme) and the RFC 2253 subject
     * of its verified client certificate (the x509 scheme; null over plain HTTP or without one).
     */
    record Caller(String remoteIp, String certificateSubject) {
        static Caller of(ChannelHandlerContext ctx) {
            String ip = ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                    ? a.getAddress().getHostAddress() : null;
            return new Caller(ip, certificateSubject(ctx));
        }

        /** The handshake already checked the chain against the trust store (admin.needClientAuth requires one). */
        private static String certificateSubject(ChannelHandlerContext ctx) {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (tls == null) {
                return null;
            }
            try {
                Certificate[] chain = tls.engine().getSession().getPeerCertificates();
                return chain.length > 0 && chain[0] instanceof X509Certificate c
                        ? c.getSubjectX500Principal().getName() : null;
            } catch (SSLPeerUnverifiedException e) {
                return null;
            }
        }
    }

    /** Completes when the header's ids have ALL on /; fails with a {@link CommandRefused} otherwise. */
    CompletableFuture<Void> requireAllOnRoot(String header, Caller caller) {
        List<Id> ids;
        try {
            ids = identities(header, caller);
        } catch (CommandRefused e) {
            return CompletableFuture.failedFuture(e);
        }
        return transfer.aclOf("/").thenApply(acl -> {
            if (acl == null || !allowsAll(acl, ids)) {
                throw new CommandRefused(HttpResponseStatus.FORBIDDEN, "Not authorized");
            }
            return null;
        });
    }

    /** Every bit of ALL, one at a time, as ZooKeeper checks them. */
    private boolean allowsAll(List<Acl> acl, List<Id> ids) {
        for (int bit = 1; bit <= Perms.ALL; bit <<= 1) {
            if ((Perms.ALL & bit) != 0 && !policy.allows(acl, bit, ids, null)) {
                return false;
            }
        }
        return true;
    }

    private List<Id> identities(String header, Caller caller) {
        if (header == null || header.isBlank()) {
            throw new CommandRefused(HttpResponseStatus.UNAUTHORIZED, "Auth info is missing for the command");
        }
        String[] parts = header.trim().split(" ");
        if (parts.length > 2) {
            throw notAuthenticated();
        }
        String data = parts.length == 2 ? parts[1] : null;
        return switch (parts[0]) {
            case "digest" -> {
                if (!digestCredentialsValid(data)) {
                    throw notAuthenticated();
                }
                yield policy.identitiesFor(new Id("digest", DigestAuth.generate(data)));
            }
            case "ip" -> {
                if (caller.remoteIp() == null) {
                    throw notAuthenticated();
                }
                yield List.of(new Id("ip", caller.remoteIp()));
            }
            case "x509" -> {
                // As ZooKeeper's x509 provider: the id comes from the certificate, never from the header
                // (anything after the scheme is ignored, so a header cannot claim another subject).
                if (caller.certificateSubject() == null) {
                    throw notAuthenticated();
                }
                yield policy.identitiesFor(new Id("x509", caller.certificateSubject()));
            }
            default -> throw notAuthenticated(); // sasl, unknown schemes
        };
    }

    /**
     * The {@code user:password} of an {@code Authorization: digest user:password} header, as this
     * check reads it (the web console's edits take the same header); null when the header is
     * absent or not of that form.
     */
    public static String digestCredentials(String header) {
        if (header == null) {
            return null;
        }
        String[] parts = header.trim().split(" ");
        return parts.length == 2 && parts[0].equals("digest") && digestCredentialsValid(parts[1]) ? parts[1] : null;
    }

    private static boolean digestCredentialsValid(String data) {
        return data != null && data.indexOf(':') >= 1;
    }

    private static CommandRefused notAuthenticated() {
        return new CommandRefused(HttpResponseStatus.UNAUTHORIZED, "Not authenticated");
    }

    /** A command refused before it ran, with the HTTP status of ZooKeeper's answer. */
    static final class CommandRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient HttpResponseStatus status;

        CommandRefused(HttpResponseStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        HttpResponseStatus status() {
            return status;
        }
    }
}
