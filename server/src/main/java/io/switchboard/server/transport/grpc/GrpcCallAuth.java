package io.switchboard.server.transport.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.switchboard.protocol.Names;
import io.switchboard.protocol.grpc.v1.ServerApiGrpc;
import io.switchboard.protocol.grpc.v1.SwitchboardGrpc;
import io.switchboard.server.api.ApiKeys;
import io.switchboard.server.auth.AuthenticationException;
import io.switchboard.server.auth.Authenticator;
import io.switchboard.server.auth.Identity;
import io.switchboard.server.limits.RateLimiter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is calling, before any call starts. {@code Connect}: a token in {@code authorization:
 * Bearer} (secure mode), or {@code x-user-id} in insecure mode. The server API: a key in
 * {@code authorization: Bearer} or {@code x-api-key} when keys are required, and the key's (or
 * the address's) rate limit. Refusals are {@code UNAUTHENTICATED}, {@code PERMISSION_DENIED} or
 * {@code RESOURCE_EXHAUSTED}; health and reflection are open.
 */
final class GrpcCallAuth implements ServerInterceptor {
    /** The client of a {@code Connect} call. */
    static final Context.Key<Identity> IDENTITY = Context.key("switchboard-identity");
    /** The name of the server API caller's key ({@code "server-api"} when keys are not required). */
    static final Context.Key<String> API_CALLER = Context.key("switchboard-api-caller");
    /** The caller's IP address. */
    static final Context.Key<String> PEER = Context.key("switchboard-peer");
    /** The server API budget the call spends: its key's, or its address's when keys are not required. */
    static final Context.Key<String> RATE_KEY = Context.key("switchboard-rate-key");

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> USER_ID = Metadata.Key.of("x-user-id", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
    private static final Logger log = LoggerFactory.getLogger(GrpcCallAuth.class);

    private final Authenticator authenticator;
    private final ApiKeys keys;
    private final RateLimiter limiter;

    GrpcCallAuth(Authenticator authenticator, ApiKeys keys, RateLimiter limiter) {
        this.authenticator = authenticator;
        this.keys = keys;
        this.limiter = limiter;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        String service = call.getMethodDescriptor().getServiceName();
        String peer = ip(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        Context context = Context.current().withValue(PEER, peer);
        if (SwitchboardGrpc.SERVICE_NAME.equals(service)) {
            Identity identity;
            try {
                identity = client(headers);
            } catch (AuthenticationException e) {
                log.debug("gRPC {} from {} refused: {}", call.getMethodDescriptor().getFullMethodName(), peer, e.getMessage());
                return refuse(call, (e.forbidden() ? Status.PERMISSION_DENIED : Status.UNAUTHENTICATED)
                        .withDescription(e.getMessage()), new Metadata());
            }
            context = context.withValue(IDENTITY, identity);
        } else if (ServerApiGrpc.SERVICE_NAME.equals(service)) {
            String caller = keys.required() ? keys.caller(headers.get(AUTHORIZATION), headers.get(API_KEY)) : "server-api";
            // As for REST: a valid key's budget, else the address's.
            String rateKey = keys.required() && caller != null ? "key:" + caller : "ip:" + peer;
            RateLimiter.Decision rate = limiter.take(rateKey);
            if (!rate.allowed()) {
                Metadata trailers = new Metadata();
                trailers.put(RETRY_AFTER, Long.toString(rate.retryAfterSeconds()));
                return refuse(call, Status.RESOURCE_EXHAUSTED.withDescription("rate limit of " + rate.limit()
                        + " requests exceeded; retry after " + rate.retryAfterSeconds() + " s"), trailers);
            }
            if (caller == null) {
                return refuse(call, Status.UNAUTHENTICATED.withDescription(
                        "the server API needs a key: 'authorization: Bearer <key>' or 'x-api-key: <key>'"), new Metadata());
            }
            context = context.withValue(API_CALLER, caller).withValue(RATE_KEY, rateKey);
        }
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** The identity a {@code Connect} call presents. */
    private Identity client(Metadata headers) throws AuthenticationException {
        if (authenticator.isSecure()) {
            String authorization = headers.get(AUTHORIZATION);
            if (authorization == null) {
                throw new AuthenticationException("send a token: 'authorization: Bearer <token>'");
            }
            String token = authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : "";
            Identity identity = authenticator.verify(token);
            String claimed = userId(headers);
            if (claimed != null && !claimed.equals(identity.userId())) {
                throw new AuthenticationException("the token is for another user than x-user-id", true);
            }
            return identity;
        }
        String user = userId(headers);
        if (user == null || !Names.isValidUserId(user)) {
            throw new AuthenticationException("insecure mode: name the user in 'x-user-id' (" + Names.USER_RULE + ")");
        }
        return Identity.unverified(user);
    }

    /** {@code x-user-id}, percent-decoded (metadata is ASCII, user ids need not be); {@code +} is itself. */
    private static String userId(Metadata headers) throws AuthenticationException {
        String raw = headers.get(USER_ID);
        if (raw == null) {
            return null;
        }
        try {
            return QueryStringDecoder.decodeComponent(raw.replace("+", "%2B"));
        } catch (IllegalArgumentException e) {
            throw new AuthenticationException("x-user-id is not valid percent-encoding");
        }
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status, Metadata trailers) {
        call.close(status, trailers);
        return new ServerCall.Listener<>() { };
    }

    private static String ip(SocketAddress address) {
        return address instanceof InetSocketAddress
                ? ((InetSocketAddress) address).getAddress().getHostAddress() : String.valueOf(address);
    }
}
