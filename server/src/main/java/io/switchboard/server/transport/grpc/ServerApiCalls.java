package io.switchboard.server.transport.grpc;

import static io.switchboard.server.transport.grpc.ApiArguments.content;
import static io.switchboard.server.transport.grpc.ApiArguments.from;
import static io.switchboard.server.transport.grpc.ApiArguments.idempotencyKey;
import static io.switchboard.server.transport.grpc.ApiArguments.invalid;
import static io.switchboard.server.transport.grpc.ApiArguments.position;
import static io.switchboard.server.transport.grpc.ApiArguments.room;
import static io.switchboard.server.transport.grpc.ApiArguments.status;
import static io.switchboard.server.transport.grpc.ApiArguments.user;

import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCalls;
import io.switchboard.protocol.Json;
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
import io.switchboard.protocol.grpc.v1.PublishReply;
import io.switchboard.protocol.grpc.v1.PublishRequest;
import io.switchboard.protocol.grpc.v1.RoomHistoryReply;
import io.switchboard.protocol.grpc.v1.RoomHistoryRequest;
import io.switchboard.protocol.grpc.v1.RoomInfo;
import io.switchboard.protocol.grpc.v1.RoomPresenceReply;
import io.switchboard.protocol.grpc.v1.RoomPresenceRequest;
import io.switchboard.protocol.grpc.v1.ServerApiGrpc;
import io.switchboard.protocol.grpc.v1.StatsReply;
import io.switchboard.protocol.grpc.v1.StatsRequest;
import io.switchboard.protocol.grpc.v1.UserStatusReply;
import io.switchboard.protocol.grpc.v1.UserStatusRequest;
import io.switchboard.server.config.ConnectionSettings;
import io.switchboard.server.history.Publication;
import io.switchboard.server.limits.ConnectionLimits;
import io.switchboard.server.limits.RateLimiter;
import io.switchboard.server.node.Node;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server API over gRPC: the unary calls, which mirror the REST routes, and the service with
 * {@code Subscribe} ({@link SubscribeCall}) and {@code PublishStream} ({@link PublishStreamCall}).
 */
final class ServerApiCalls {
    private static final Logger log = LoggerFactory.getLogger(ServerApiCalls.class);
    private static final int MAX_BROADCAST_ROOMS = 100;

    private final int maxJsonDepth;
    private final Node node;
    private final PublishStreamCall publishStream;
    private final SubscribeCall subscribe;

    /**
     * {@code limiter}: the server API's budgets, which each publication of a stream spends too;
     * {@code limits}: the connection limits, which {@code Subscribe} streams count against.
     */
    ServerApiCalls(ConnectionSettings connections, Node node, EventLoopFinder loops, RateLimiter limiter, ConnectionLimits limits) {
        this.maxJsonDepth = connections.maxJsonDepth();
        this.node = node;
        this.publishStream = new PublishStreamCall(node, loops, limiter, maxJsonDepth);
        this.subscribe = new SubscribeCall(connections, node, loops, limits);
    }

    /** The service, with {@code Subscribe} answering serialized events and the rest generated stubs' types. */
    ServerServiceDefinition service() {
        ServiceDescriptor generated = ServerApiGrpc.getServiceDescriptor();
        ServiceDescriptor descriptor = ServiceDescriptor.newBuilder(ServerApiGrpc.SERVICE_NAME)
                .setSchemaDescriptor(generated.getSchemaDescriptor())
                .addMethod(SubscribeCall.METHOD)
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
                .addMethod(SubscribeCall.METHOD, ServerCalls.asyncServerStreamingCall(subscribe::start))
                .addMethod(ServerApiGrpc.getPublishStreamMethod(), ServerCalls.asyncClientStreamingCall(publishStream::start))
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
        return node.publishToRoom(room(request.getRoom()), from(request.getFrom()), content(request.getContent(), maxJsonDepth),
                        idempotencyKey(request.getIdempotencyKey()))
                .thenApply(position -> PublishReply.newBuilder().setPosition(position(position)).build());
    }

    private CompletionStage<BroadcastReply> broadcast(BroadcastRequest request) {
        if (request.getRoomsCount() == 0 || request.getRoomsCount() > MAX_BROADCAST_ROOMS) {
            throw invalid("give 1 to " + MAX_BROADCAST_ROOMS + " rooms");
        }
        request.getRoomsList().forEach(ApiArguments::room);
        String content = content(request.getContent(), maxJsonDepth);
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
        return node.sendDirect(user(request.getUserId()), from(request.getFrom()), content(request.getContent(), maxJsonDepth),
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
        return node.stats().thenApply(stats -> StatsReply.newBuilder()
                .setStats(JsonValues.toStruct(Json.mapper().valueToTree(stats))).build());
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
}
