package io.switchboard.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Attributes;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpHeaders;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.grpc.ProtoFrames;
import io.switchboard.protocol.grpc.v1.ClientCommand;
import io.switchboard.protocol.grpc.v1.ServerFrame;
import io.switchboard.protocol.grpc.v1.SwitchboardGrpc;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Link} over one call of {@code switchboard.v1.Switchboard/Connect}, on a
 * {@link ManagedChannel} of its own (one per connection attempt, shut down when the call ends)
 * running on the client's event loops. Each {@link ServerFrame} is turned into the JSON frame a
 * WebSocket would have carried and handed to the client as text, so the rest of the client
 * cannot tell the transports apart.
 *
 * <p>URIs: {@code grpc://host:port} (plaintext) and {@code grpcs://host:port} (TLS with the
 * JDK's trust store or the client's trusted certificates); without a port, 80 and 443. A path of one segment names the user for a
 * server in insecure mode: {@code grpc://host:9090/alice} sends metadata
 * {@code x-user-id: alice} (as written in the URI, percent-encoded), unless an {@code authorization} is sent.
 *
 * <p>How a call ends becomes a {@link Events.Closed}: the code and reason of the
 * {@code disconnect} frame, if one came; {@code 1000} when the server completed the call;
 * otherwise a code for its status ({@link #closeCode}). A call failing with
 * {@code UNAUTHENTICATED}, {@code PERMISSION_DENIED} or {@code RESOURCE_EXHAUSTED} before any
 * frame is a refused handshake, reported as a {@link HandshakeRejectedException} with the HTTP
 * status a WebSocket handshake would have got (401, 403, 429).
 */
final class GrpcLink implements Link {
    private static final Logger log = LoggerFactory.getLogger(GrpcLink.class);

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> USER_ID = Metadata.Key.of("x-user-id", Metadata.ASCII_STRING_MARSHALLER);
    private static final Duration TERMINATION_WAIT = Duration.ofSeconds(5);

    private final SwitchboardClient client;
    private final long generation;
    private final ManagedChannel channel;
    /** Serializes the calls on {@link #commands}, which is not thread-safe. */
    private final Object writeLock = new Object();
    private final Object flowLock = new Object();

    /** Set before {@link #start} returns; its {@code request(int)} may be called from any thread. */
    private volatile ClientCallStreamObserver<ClientCommand> commands;
    /** A frame has come: the server accepted the call. */
    private volatile boolean established;
    private volatile boolean ended;
    /** This client half-closed or cancelled the call; written under writeLock. */
    private volatile boolean outboundClosed;
    // Guarded by flowLock.
    private boolean paused;
    private boolean frameOwed;
    /** The server's {@code disconnect}, if it sent one; used only by the call's (serialized) callbacks. */
    private Events.Closed disconnect;

    /** A link for attempt {@code generation} of {@code client}; {@link #start} opens the call. */
    GrpcLink(SwitchboardClient client, long generation, ManagedChannel channel) {
        this.client = client;
        this.generation = generation;
        this.channel = channel;
    }

    /** Whether {@code uri} asks for gRPC: scheme {@code grpc} or {@code grpcs}. */
    static boolean serves(URI uri) {
        return "grpc".equalsIgnoreCase(uri.getScheme()) || "grpcs".equalsIgnoreCase(uri.getScheme());
    }

    /**
     * Checks that {@code uri} and the extra {@code headers} can make a gRPC call.
     *
     * @throws IllegalArgumentException if not
     */
    static void validate(URI uri, HttpHeaders headers) {
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        metadata(uri, headers, null);
    }

    /**
     * A channel to the server of {@code uri} on {@code group} (with the socket type
     * {@link ClientEventLoops#channelType()}, as WebSocket connections use), taking frames of
     * up to {@code maxFrameBytes}. Callbacks run on the event loop, as WebSocket ones do.
     */
    static ManagedChannel newChannel(URI uri, EventLoopGroup group, InetAddress localAddress, Duration connectTimeout,
                                     int maxFrameBytes, List<X509Certificate> trust) {
        boolean tls = "grpcs".equalsIgnoreCase(uri.getScheme());
        NettyChannelBuilder builder = NettyChannelBuilder
                .forAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80)
                .eventLoopGroup(group)
                .channelType(ClientEventLoops.channelType())
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .maxInboundMessageSize(maxFrameBytes)
                .directExecutor()
                // A session is not a request to replay: the client reconnects and recovers itself.
                .disableRetry();
        if (localAddress != null) {
            builder.localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
                @Override
                public SocketAddress createSocketAddress(SocketAddress remoteAddress, Attributes attrs) {
                    return new InetSocketAddress(localAddress, 0);
                }
            });
        }
        if (tls) {
            builder.useTransportSecurity().sslContext(ClientTls.forGrpc(trust));
        } else {
            builder.usePlaintext();
        }
        return builder.build();
    }

    /**
     * The call's metadata: the extra {@code headers} (names lower-cased), then
     * {@code authorization: Bearer <token>} when there is a token (replacing any other), or else,
     * when no {@code authorization} is among the headers, {@code x-user-id} from the URI's path.
     */
    static Metadata metadata(URI uri, HttpHeaders headers, String token) {
        Metadata metadata = new Metadata();
        for (Map.Entry<String, String> header : headers) {
            metadata.put(Metadata.Key.of(header.getKey(), Metadata.ASCII_STRING_MARSHALLER), header.getValue());
        }
        String user = pathUser(uri);
        if (token != null) {
            metadata.removeAll(AUTHORIZATION);
            metadata.put(AUTHORIZATION, "Bearer " + token);
        } else if (user != null && !metadata.containsKey(AUTHORIZATION)) {
            metadata.put(USER_ID, user);
        }
        return metadata;
    }

    /**
     * The user of a path {@code /user} (or {@code /user/}), still percent-encoded as in the URI:
     * metadata is ASCII, and the server decodes it as it decodes the user of a WebSocket path.
     * {@code null} for no path.
     */
    private static String pathUser(URI uri) {
        String path = uri.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return null;
        }
        String segment = path.substring(1, path.endsWith("/") ? path.length() - 1 : path.length());
        if (segment.contains("/")) {
            throw new IllegalArgumentException("the path of " + uri + " must be one segment, the user id");
        }
        return segment;
    }

    /** Opens the {@code Connect} call with {@code headers}. */
    void start(Metadata headers) {
        SwitchboardGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .connect(new Session());
    }

    @Override
    public boolean isActive() {
        return established && !ended && !outboundClosed;
    }

    @Override
    public void send(JsonNode command) {
        ClientCommand proto = ProtoFrames.toProto(command);
        synchronized (writeLock) {
            if (outboundClosed) {
                // As a write on a closing socket: the reply's future fails when the link ends.
                log.debug("not sent, the call is closing: {}", command.path("type").asText());
                return;
            }
            commands.onNext(proto);
        }
    }

    @Override
    public void sendText(String text) {
        JsonNode command;
        try {
            command = Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("over gRPC only JSON commands can be sent: " + e.getOriginalMessage(), e);
        }
        send(command);
    }

    @Override
    public void pauseReading() {
        synchronized (flowLock) {
            paused = true;
        }
    }

    @Override
    public void resumeReading() {
        boolean owed;
        synchronized (flowLock) {
            paused = false;
            owed = frameOwed;
            frameOwed = false;
        }
        if (owed) {
            commands.request(1);
        }
    }

    /** Half-closes the call; the server then completes it. */
    @Override
    public void closeGracefully() {
        synchronized (writeLock) {
            if (!outboundClosed) {
                outboundClosed = true;
                commands.onCompleted();
            }
        }
    }

    /** Cancels the call and closes the connection under it. */
    @Override
    public void abort() {
        cancel("dropped by the client", null);
        channel.shutdownNow();
    }

    @Override
    public void abortAndWait() {
        abort();
        try {
            if (!channel.awaitTermination(TERMINATION_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("gRPC channel {} not terminated after {}", channel, TERMINATION_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void cancel(String message, Throwable cause) {
        synchronized (writeLock) {
            outboundClosed = true;
            commands.cancel(message, cause);
        }
    }

    /** Asks for the next frame, unless reading is paused; then {@link #resumeReading()} will. */
    private void requestNextFrame() {
        synchronized (flowLock) {
            if (paused) {
                frameOwed = true;
                return;
            }
        }
        commands.request(1);
    }

    /** The end of the call, as the client's connection-lost handling takes it. */
    private void onCallEnded(Status status, Throwable failure) {
        ended = true;
        channel.shutdown();
        log.debug("gRPC session {} to {} ended: {}", generation, channel.authority(), status);
        if (disconnect != null) {
            client.onConnectionLost(generation, disconnect, null);
        } else if (status.isOk()) {
            client.onConnectionLost(generation, new Events.Closed(CloseCodes.NORMAL, "call completed"), null);
        } else if (!established && refusalStatus(status.getCode()) > 0) {
            HandshakeRejectedException rejected =
                    new HandshakeRejectedException(refusalStatus(status.getCode()), describe(status), failure);
            client.onHandshakeRejected(generation, rejected);
            client.onConnectionLost(generation, new Events.Closed(1006, "refused: " + describe(status)), rejected);
        } else {
            client.onConnectionLost(generation, new Events.Closed(closeCode(status.getCode()), describe(status)), failure);
        }
    }

    /** The HTTP status of a WebSocket handshake refused for the reason of {@code code}; 0 if none. */
    private static int refusalStatus(Status.Code code) {
        switch (code) {
            case UNAUTHENTICATED:
                return 401;
            case PERMISSION_DENIED:
                return 403;
            case RESOURCE_EXHAUSTED:
                return 429;
            default:
                return 0;
        }
    }

    /**
     * The close code for a call that failed without a {@code disconnect} frame: the server sends
     * one before it ends a session on purpose, so this is mostly the network or this client.
     * {@code UNAVAILABLE}, {@code CANCELLED}, {@code DEADLINE_EXCEEDED} and {@code UNKNOWN} are
     * 1006, as a connection lost without a close frame; {@code RESOURCE_EXHAUSTED} is 1009 (a frame
     * over {@code maxFrameBytes}, the one this client raises itself).
     */
    private static int closeCode(Status.Code code) {
        switch (code) {
            case OK:
                return CloseCodes.NORMAL;
            case UNAUTHENTICATED:
                return CloseCodes.UNAUTHORIZED;
            case PERMISSION_DENIED:
                return CloseCodes.FORBIDDEN;
            case RESOURCE_EXHAUSTED:
                return CloseCodes.MESSAGE_TOO_BIG;
            case UNAVAILABLE:
            case CANCELLED:
            case DEADLINE_EXCEEDED:
            case UNKNOWN:
                return 1006;
            default:
                return CloseCodes.INTERNAL_ERROR;
        }
    }

    private static String describe(Status status) {
        return status.getDescription() == null ? status.getCode().name()
                : status.getCode() + ": " + status.getDescription();
    }

    /** The call's callbacks; gRPC runs them one at a time, on the channel's event loop. */
    private final class Session implements ClientResponseObserver<ClientCommand, ServerFrame> {
        @Override
        public void beforeStart(ClientCallStreamObserver<ClientCommand> requestStream) {
            requestStream.disableAutoRequestWithInitial(1);
            commands = requestStream;
        }

        @Override
        public void onNext(ServerFrame frame) {
            established = true;
            if (frame.getFrameCase() == ServerFrame.FrameCase.FRAME_NOT_SET) {
                // A newer server may send frame kinds this client does not know.
                log.debug("ignored a frame of a kind this client does not know: {}", frame);
            } else {
                if (frame.getFrameCase() == ServerFrame.FrameCase.DISCONNECT) {
                    disconnect = new Events.Closed(frame.getDisconnect().getCode(), frame.getDisconnect().getReason());
                }
                try {
                    client.onText(generation, ProtoFrames.toJson(frame).toString());
                } catch (RuntimeException e) {
                    log.warn("client connection failed", e);
                    cancel("handling a frame failed", e);
                    return;
                }
            }
            requestNextFrame();
        }

        @Override
        public void onError(Throwable failure) {
            onCallEnded(Status.fromThrowable(failure), failure);
        }

        @Override
        public void onCompleted() {
            onCallEnded(Status.OK, null);
        }
    }
}
