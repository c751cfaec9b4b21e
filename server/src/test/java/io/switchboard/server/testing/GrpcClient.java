package io.switchboard.server.testing;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.switchboard.protocol.grpc.v1.ClientCommand;
import io.switchboard.protocol.grpc.v1.ServerFrame;
import io.switchboard.protocol.grpc.v1.SwitchboardGrpc;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;


/** A gRPC channel to a test node, and {@code Connect} sessions over it recorded frame by frame. */
public final class GrpcClient implements AutoCloseable {
    public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> USER_ID = Metadata.Key.of("x-user-id", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;

    public GrpcClient(TestNode node) {
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", node.server().grpcPort()).usePlaintext().build();
    }

    public GrpcClient(ManagedChannel channel) {
        this.channel = channel;
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** Metadata with one header. */
    public static Metadata header(Metadata.Key<String> key, String value) {
        Metadata metadata = new Metadata();
        metadata.put(key, value);
        return metadata;
    }

    /** Opens a {@code Connect} session with {@code metadata}; {@code reading}: whether it reads frames at all. */
    public Session connect(Metadata metadata, boolean reading) {
        Session session = new Session(reading);
        SwitchboardGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
                .connect(session);
        return session;
    }

    /** A user's session in insecure mode. */
    public Session connect(String user) {
        return connect(header(USER_ID, user), true);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One {@code Connect} call: sends commands, records frames and how the call ended. */
    public static final class Session implements ClientResponseObserver<ClientCommand, ServerFrame> {
        private final boolean reading;
        private final List<ServerFrame> frames = new CopyOnWriteArrayList<>();
        private final CompletableFuture<io.grpc.Status> ended = new CompletableFuture<>();
        private volatile ClientCallStreamObserver<ClientCommand> requests;

        Session(boolean reading) {
            this.reading = reading;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ClientCommand> requestStream) {
            this.requests = requestStream;
            if (!reading) {
                requestStream.disableAutoRequestWithInitial(0);
            }
        }

        @Override
        public void onNext(ServerFrame frame) {
            frames.add(frame);
        }

        @Override
        public void onError(Throwable failure) {
            ended.complete(io.grpc.Status.fromThrowable(failure));
        }

        @Override
        public void onCompleted() {
            ended.complete(io.grpc.Status.OK);
        }

        public synchronized void send(ClientCommand command) {
            requests.onNext(command);
        }

        public synchronized void finish() {
            requests.onCompleted();
        }

        /** Starts reading (for a session opened without reading). */
        public void read() {
            requests.request(Integer.MAX_VALUE);
        }

        public void cancel() {
            requests.cancel("test done", null);
        }

        public List<ServerFrame> frames() {
            return List.copyOf(frames);
        }

        public CompletableFuture<io.grpc.Status> ended() {
            return ended;
        }

        /** Waits for the first frame that matches. */
        public ServerFrame await(Predicate<ServerFrame> match) {
            return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(
                    () -> frames.stream().filter(match).findFirst().orElse(null), f -> f != null);
        }

        /** Waits for the ack (or error) of the command with {@code id}. */
        public ServerFrame reply(String id) {
            return await(f -> f.hasAck() && f.getAck().getId().equals(id) || f.hasError() && f.getError().getId().equals(id)
                    || f.hasPong() && f.getPong().getId().equals(id));
        }
    }
}
