package io.switchboard.server.transport.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoop;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.Names;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.protocol.grpc.JsonValues;
import io.switchboard.protocol.grpc.ProtoFrames;
import io.switchboard.protocol.grpc.v1.BroadcastReply;
import io.switchboard.protocol.grpc.v1.BroadcastRequest;
import io.switchboard.protocol.grpc.v1.DirectRequest;
import io.switchboard.protocol.grpc.v1.DisconnectUserReply;
import io.switchboard.protocol.grpc.v1.DisconnectUserRequest;
import io.switchboard.protocol.grpc.v1.ListRoomsReply;
import io.switchboard.protocol.grpc.v1.ListRoomsRequest;
import io.switchboard.protocol.grpc.v1.Member;
import io.switchboard.protocol.grpc.v1.PublishFailure;
import io.switchboard.protocol.grpc.v1.PublishReply;
import io.switchboard.protocol.grpc.v1.PublishRequest;
import io.switchboard.protocol.grpc.v1.PublishSummary;
import io.switchboard.protocol.grpc.v1.RoomHistoryReply;
import io.switchboard.protocol.grpc.v1.RoomHistoryRequest;
import io.switchboard.protocol.grpc.v1.RoomInfo;
import io.switchboard.protocol.grpc.v1.RoomPresenceReply;
import io.switchboard.protocol.grpc.v1.RoomPresenceRequest;
import io.switchboard.protocol.grpc.v1.RoomRange;
import io.switchboard.protocol.grpc.v1.RoomSubscription;
import io.switchboard.protocol.grpc.v1.ServerApiGrpc;
import io.switchboard.protocol.grpc.v1.StatsReply;
import io.switchboard.protocol.grpc.v1.StatsRequest;
import io.switchboard.protocol.grpc.v1.SubscribeRequest;
import io.switchboard.protocol.grpc.v1.UserStatusReply;
import io.switchboard.protocol.grpc.v1.UserStatusRequest;
import io.switchboard.server.auth.Identity;
import io.switchboard.server.config.ServerConfig;
import io.switchboard.server.history.Publication;
import io.switchboard.server.limits.ConnectionLimits;
import io.switchboard.server.limits.LimitExceededException;
import io.switchboard.server.limits.RateLimiter;
import io.switchboard.server.node.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server API over gRPC: the unary calls mirror the REST routes; {@code Subscribe} follows
 * rooms as a backend session (any room, no presence), with {@code since} recovery;
 * {@code PublishStream} publishes a stream in order, a window of publications in flight, and
 * answers one summary.
 */
final class ServerApiCalls {
    private static final Logger log = LoggerFactory.getLogger(ServerApiCalls.class);
    /** Publications of one {@code PublishStream} in flight at once. */
    private static final int PUBLISH_WINDOW = 64;
    private static final int MAX_BROADCAST_ROOMS = 100;
    /** Rooms and failures a summary lists; the rest are only counted, so a stream's state stays bounded. */
    private static final int MAX_LISTED = 1000;

    /** {@code Subscribe} with its events already serialized. */
    static final MethodDescriptor<SubscribeRequest, byte[]> SUBSCRIBE = ServerApiGrpc.getSubscribeMethod().toBuilder(
            ServerApiGrpc.getSubscribeMethod().getRequestMarshaller(), RawBytes.MARSHALLER).build();

    private final ServerConfig config;
    private final Node node;
    private final EventLoopFinder loops;
    private final RateLimiter limiter;
    private final ConnectionLimits limits;

    /**
     * {@code limiter}: the server API's budgets, which each publication of a stream spends too;
     * {@code limits}: the connection limits, which {@code Subscribe} streams count against.
     */
    ServerApiCalls(ServerConfig config, Node node, EventLoopFinder loops, RateLimiter limiter, ConnectionLimits limits) {
        this.config = config;
        this.node = node;
        this.loops = loops;
        this.limiter = limiter;
        this.limits = limits;
    }

    /** The service, with {@code Subscribe} answering serialized events and the rest generated stubs' types. */
    ServerServiceDefinition service() {
        ServiceDescriptor generated = ServerApiGrpc.getServiceDescriptor();
        ServiceDescriptor descriptor = ServiceDescriptor.newBuilder(ServerApiGrpc.SERVICE_NAME)
                .setSchemaDescriptor(generated.getSchemaDescriptor())
                .addMethod(SUBSCRIBE)
                .addMethod(ServerApiGrpc.getPublishStreamMethod())
                .addMethod(ServerApiGrpc.getPublishMethod())
                .addMethod(ServerApiGrpc.getBroadcastMethod())
                .addMethod(ServerApiGrpc.getSendDirectMethod())
                .addMethod(ServerApiGrpc.getListRoomsMethod())
                .addMethod(ServerApiGrpc.getRoomPresenceMethod())
                .addMethod(ServerApiGrpc.getRoomHistoryMethod())
                .addMethod(ServerApiGrpc.getUserStatusMethod())
                .addMethod(ServerApiGrpc.getDisconnectUserMethod())
                .addMethod(ServerApiGrpc.getStatsMethod())
                .build();
        return ServerServiceDefinition.builder(descriptor)
                .addMethod(SUBSCRIBE, ServerCalls.asyncServerStreamingCall(this::subscribe))
                .addMethod(ServerApiGrpc.getPublishStreamMethod(), ServerCalls.asyncClientStreamingCall(this::publishStream))
                .addMethod(ServerApiGrpc.getPublishMethod(), unary(this::publish))
                .addMethod(ServerApiGrpc.getBroadcastMethod(), unary(this::broadcast))
                .addMethod(ServerApiGrpc.getSendDirectMethod(), unary(this::sendDirect))
                .addMethod(ServerApiGrpc.getListRoomsMethod(), unary(this::listRooms))
                .addMethod(ServerApiGrpc.getRoomPresenceMethod(), unary(this::roomPresence))
                .addMethod(ServerApiGrpc.getRoomHistoryMethod(), unary(this::roomHistory))
                .addMethod(ServerApiGrpc.getUserStatusMethod(), unary(this::userStatus))
                .addMethod(ServerApiGrpc.getDisconnectUserMethod(), unary(this::disconnectUser))
                .addMethod(ServerApiGrpc.getStatsMethod(), unary(this::stats))
                .build();
    }

    // --- unary calls ---

    private CompletionStage<PublishReply> publish(PublishRequest request) {
        return node.publishToRoom(room(request.getRoom()), from(request.getFrom()), content(request.getContent()),
                        idempotencyKey(request.getIdempotencyKey()))
                .thenApply(position -> PublishReply.newBuilder().setPosition(position(position)).build());
    }

    private CompletionStage<BroadcastReply> broadcast(BroadcastRequest request) {
        if (request.getRoomsCount() == 0 || request.getRoomsCount() > MAX_BROADCAST_ROOMS) {
            throw invalid("give 1 to " + MAX_BROADCAST_ROOMS + " rooms");
        }
        request.getRoomsList().forEach(ServerApiCalls::room);
        String content = content(request.getContent());
        String from = from(request.getFrom());
        Map<String, CompletableFuture<StreamPosition>> published = new LinkedHashMap<>();
        for (String room : request.getRoomsList()) {
            published.put(room, node.publishToRoom(room, from, content).toCompletableFuture());
        }
        return CompletableFuture.allOf(published.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            BroadcastReply.Builder reply = BroadcastReply.newBuilder();
            published.forEach((room, position) -> reply.putPositions(room, position(position.join())));
            return reply.build();
        });
    }

    private CompletionStage<PublishReply> sendDirect(DirectRequest request) {
        return node.sendDirect(user(request.getUserId()), from(request.getFrom()), content(request.getContent()),
                        idempotencyKey(request.getIdempotencyKey()))
                .thenApply(position -> PublishReply.newBuilder().setPosition(position(position)).build());
    }

    private CompletionStage<ListRoomsReply> listRooms(ListRoomsRequest request) {
        return node.rooms().thenApply(rooms -> {
            ListRoomsReply.Builder reply = ListRoomsReply.newBuilder();
            rooms.forEach(r -> reply.addRooms(RoomInfo.newBuilder().setRoom(r.room()).setMembers(r.users())));
            return reply.build();
        });
    }

    private CompletionStage<RoomPresenceReply> roomPresence(RoomPresenceRequest request) {
        String room = room(request.getRoom());
        return node.members(room).thenApply(members -> {
            RoomPresenceReply.Builder reply = RoomPresenceReply.newBuilder().setRoom(room);
            members.forEach(m -> reply.addMembers(Member.newBuilder().setUserId(m.userId()).setConnections(m.connections())));
            return reply.build();
        });
    }

    private CompletionStage<RoomHistoryReply> roomHistory(RoomHistoryRequest request) {
        String room = room(request.getRoom());
        StreamPosition since = request.hasSince()
                ? new StreamPosition(request.getSince().getOffset(), request.getSince().getEpoch()) : null;
        return node.roomHistory(room, since, request.getLimit(), request.getReverse()).thenApply(read -> {
            RoomHistoryReply.Builder reply = RoomHistoryReply.newBuilder().setRoom(room)
                    .setPosition(io.switchboard.protocol.grpc.v1.StreamPosition.newBuilder()
                            .setOffset(read.position().offset()).setEpoch(read.position().epoch()));
            for (Publication publication : read.publications()) {
                reply.addPublications(ProtoFrames.message(GrpcFrames.parse(publication.frame())));
            }
            if (read.recovered() != null) {
                reply.setRecovered(read.recovered());
            }
            return reply.build();
        });
    }

    private CompletionStage<UserStatusReply> userStatus(UserStatusRequest request) {
        String user = user(request.getUserId());
        return node.connections(user).thenApply(n -> UserStatusReply.newBuilder().setUserId(user).setOnline(n > 0)
                .setConnections(n).build());
    }

    private CompletionStage<DisconnectUserReply> disconnectUser(DisconnectUserRequest request) {
        return node.disconnectUser(user(request.getUserId())).thenApply(v -> DisconnectUserReply.getDefaultInstance());
    }

    private CompletionStage<StatsReply> stats(StatsRequest request) {
        return node.stats().thenApply(stats -> StatsReply.newBuilder().setStats(JsonValues.toStruct(stats)).build());
    }

    // --- PublishStream ---

    private StreamObserver<PublishRequest> publishStream(StreamObserver<PublishSummary> responses) {
        ServerCallStreamObserver<PublishSummary> out = (ServerCallStreamObserver<PublishSummary>) responses;
        out.disableAutoRequest();
        EventLoop loop = loops.current();
        String rateKey = GrpcCallAuth.RATE_KEY.get();
        PublishRun run = new PublishRun(out);
        out.setOnCancelHandler(() -> loops.run(loop, () -> run.cancelled = true));
        out.request(PUBLISH_WINDOW);
        return new StreamObserver<>() {
            @Override
            public void onNext(PublishRequest request) {
                long index = run.received++;
                CompletionStage<StreamPosition> published;
                RateLimiter.Decision rate = limiter.take(rateKey);
                if (!rate.allowed()) {
                    published = CompletableFuture.failedFuture(Status.RESOURCE_EXHAUSTED.withDescription(
                            "rate limit of " + rate.limit() + " requests exceeded").asRuntimeException());
                } else {
                    try {
                        published = node.publishToRoom(room(request.getRoom()), from(request.getFrom()),
                                content(request.getContent()), idempotencyKey(request.getIdempotencyKey()));
                    } catch (StatusRuntimeException refused) {
                        published = CompletableFuture.failedFuture(refused);
                    }
                }
                run.inFlight++;
                published.whenComplete((position, failure) -> loops.run(loop, () -> {
                    run.inFlight--;
                    run.record(index, request.getRoom(), position, failure);
                    if (!run.cancelled && !run.ended) {
                        out.request(1);
                    }
                    run.finishIfDone();
                }));
            }

            @Override
            public void onError(Throwable failure) {
                log.debug("PublishStream ended by the client: {}", failure.toString());
                loops.run(loop, () -> run.cancelled = true);
            }

            @Override
            public void onCompleted() {
                loops.run(loop, () -> {
                    run.ended = true;
                    run.finishIfDone();
                });
            }
        };
    }

    /** One {@code PublishStream}'s count, per-room ranges and failures; touched on the call's loop. */
    private static final class PublishRun {
        final ServerCallStreamObserver<PublishSummary> out;
        final Map<String, RoomRange.Builder> rooms = new LinkedHashMap<>();
        final List<PublishFailure> failures = new ArrayList<>();
        long received;
        long published;
        long failed;
        long roomsOmitted;
        int inFlight;
        boolean ended;
        boolean cancelled;
        boolean answered;

        PublishRun(ServerCallStreamObserver<PublishSummary> out) {
            this.out = out;
        }

        void record(long index, String room, StreamPosition position, Throwable failure) {
            if (failure == null) {
                published++;
                RoomRange.Builder range = rooms.get(room);
                if (range == null) {
                    if (rooms.size() >= MAX_LISTED) {
                        roomsOmitted++;
                        return;
                    }
                    range = RoomRange.newBuilder().setRoom(room).setFirstOffset(position.offset())
                            .setLastOffset(position.offset());
                    rooms.put(room, range);
                }
                range.setFirstOffset(Math.min(range.getFirstOffset(), position.offset()))
                        .setLastOffset(Math.max(range.getLastOffset(), position.offset()))
                        .setCount(range.getCount() + 1);
                return;
            }
            failed++;
            if (failures.size() >= MAX_LISTED) {
                return;
            }
            Status status = status(failure);
            failures.add(PublishFailure.newBuilder().setIndex(index).setRoom(room)
                    .setCode(errorCode(status)).setMessage(String.valueOf(status.getDescription())).build());
        }

        void finishIfDone() {
            if (!ended || inFlight > 0 || answered || cancelled) {
                return;
            }
            answered = true;
            PublishSummary.Builder summary = PublishSummary.newBuilder().setPublished(published).addAllFailures(failures)
                    .setFailed(failed).setRoomsOmitted(roomsOmitted);
            rooms.values().forEach(summary::addRooms);
            out.onNext(summary.build());
            out.onCompleted();
        }
    }

    // --- Subscribe ---

    private void subscribe(SubscribeRequest request, StreamObserver<byte[]> responses) {
        ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) responses;
        if (request.getRoomsCount() == 0) {
            out.onError(invalid("name at least one room"));
            return;
        }
        for (RoomSubscription subscription : request.getRoomsList()) {
            if (!Names.isValidRoom(subscription.getRoom())) {
                out.onError(invalid("bad room name '" + subscription.getRoom() + "': " + Names.ROOM_RULE));
                return;
            }
        }
        String caller = GrpcCallAuth.API_CALLER.get();
        // A backend's streams count like a user's connections: per address, and per key name.
        ConnectionLimits.Ticket ticket;
        try {
            ticket = limits.admit(GrpcCallAuth.PEER.get(), caller);
        } catch (LimitExceededException e) {
            out.onError(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        EventLoop loop = loops.current();
        GrpcConnection[] self = new GrpcConnection[1];
        Function<byte[], byte[]> ownFrames = json -> {
            ObjectNode frame = GrpcFrames.parse(json);
            switch (frame.path("type").asText()) {
                case "message":
                    return GrpcFrames.subscribeMessage(json);
                case "ack":
                    return frame.has("room") ? GrpcFrames.subscribed(frame) : null;
                case "error":
                    Status refused = GrpcStatuses.of(errorCode(frame.path("code").asText()))
                            .withDescription(frame.path("message").asText());
                    loop.execute(() -> self[0].fail(refused));
                    return null;
                default:
                    return null;
            }
        };
        GrpcConnection connection = new GrpcConnection(loop, out, GrpcFrames.SUBSCRIBE_EVENTS, ownFrames,
                "grpc-subscribe", GrpcCallAuth.PEER.get(), config.outboundQueueBytes(), config.closeTimeout());
        self[0] = connection;
        out.setOnReadyHandler(() -> loops.run(loop, connection::onReady));
        out.setOnCancelHandler(() -> loops.run(loop, connection::peerGone));
        loops.run(loop, () -> {
            connection.attach(node.open(Identity.backend(caller), connection, null, ticket::release));
            int n = 0;
            for (RoomSubscription subscription : request.getRoomsList()) {
                ObjectNode join = Json.mapper().createObjectNode().put("type", "join_room").put("id", ++n)
                        .put("room", subscription.getRoom());
                if (subscription.hasSince()) {
                    join.set("since", ProtoFrames.position(subscription.getSince()));
                }
                connection.session().receive(bytes(join));
            }
        });
    }

    // --- helpers ---

    private <Q, R> ServerCallHandler<Q, R> unary(Function<Q, CompletionStage<R>> call) {
        return ServerCalls.asyncUnaryCall((request, responses) -> {
            CompletionStage<R> reply;
            try {
                reply = call.apply(request);
            } catch (StatusRuntimeException refused) {
                responses.onError(refused);
                return;
            }
            reply.whenComplete((value, failure) -> {
                if (failure != null) {
                    responses.onError(status(failure).asRuntimeException());
                } else {
                    responses.onNext(value);
                    responses.onCompleted();
                }
            });
        });
    }

    private static Status status(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof StatusRuntimeException) {
            return ((StatusRuntimeException) cause).getStatus();
        }
        if (cause instanceof FrameException) {
            return GrpcStatuses.of(((FrameException) cause).code()).withDescription(cause.getMessage());
        }
        log.error("gRPC server API call failed", cause);
        return Status.INTERNAL.withDescription("internal error");
    }

    private static ErrorCode errorCode(String wire) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.wireName().equals(wire)) {
                return code;
            }
        }
        return ErrorCode.INTERNAL;
    }

    /** The protocol's error code nearest to a status, for a publish failure in a summary. */
    private static String errorCode(Status status) {
        switch (status.getCode()) {
            case INVALID_ARGUMENT:
                return ErrorCode.BAD_REQUEST.wireName();
            case PERMISSION_DENIED:
                return ErrorCode.FORBIDDEN.wireName();
            case NOT_FOUND:
                return ErrorCode.NOT_FOUND.wireName();
            case RESOURCE_EXHAUSTED:
                return ErrorCode.RATE_LIMITED.wireName();
            case UNAVAILABLE:
                return ErrorCode.UNAVAILABLE.wireName();
            default:
                return ErrorCode.INTERNAL.wireName();
        }
    }

    private String content(com.google.protobuf.Value value) {
        JsonNode json = JsonValues.toJson(value);
        if (depth(json) > config.maxJsonDepth()) {
            throw invalid("content nested deeper than " + config.maxJsonDepth() + " levels");
        }
        return json.toString();
    }

    private static int depth(JsonNode node) {
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return node.isContainerNode() ? deepest + 1 : 0;
    }

    private static String room(String room) {
        if (!Names.isValidRoom(room)) {
            throw invalid("bad room name: " + Names.ROOM_RULE);
        }
        return room;
    }

    private static String user(String user) {
        if (!Names.isValidUserId(user)) {
            throw invalid("bad user id: " + Names.USER_RULE);
        }
        return user;
    }

    /** The sender to show; empty for none. */
    /** An idempotency key, or {@code null} for the empty string (proto3's "not given"). */
    private static String idempotencyKey(String key) {
        if (key.isEmpty()) {
            return null;
        }
        if (!Names.isValidIdempotencyKey(key)) {
            throw invalid("bad idempotency_key: " + Names.IDEMPOTENCY_KEY_RULE);
        }
        return key;
    }

    private static String from(String from) {
        if (from.isEmpty()) {
            return null;
        }
        return user(from);
    }

    private static io.switchboard.protocol.grpc.v1.StreamPosition position(StreamPosition position) {
        return io.switchboard.protocol.grpc.v1.StreamPosition.newBuilder().setOffset(position.offset())
                .setEpoch(position.epoch()).build();
    }

    private static StatusRuntimeException invalid(String why) {
        return Status.INVALID_ARGUMENT.withDescription(why).asRuntimeException();
    }

    private static byte[] bytes(JsonNode json) {
        try {
            return Json.mapper().writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a command tree cannot be written", e);
        }
    }
}
