package io.switchboard.server.transport.grpc;

import static io.switchboard.server.transport.grpc.ApiArguments.errorCode;
import static io.switchboard.server.transport.grpc.ApiArguments.invalid;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoop;
import io.switchboard.protocol.Command;
import io.switchboard.protocol.CommandFields;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.Names;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.protocol.grpc.v1.RoomSubscription;
import io.switchboard.protocol.grpc.v1.ServerApiGrpc;
import io.switchboard.protocol.grpc.v1.SubscribeRequest;
import io.switchboard.server.auth.Identity;
import io.switchboard.server.config.ConnectionSettings;
import io.switchboard.server.limits.ConnectionLimits;
import io.switchboard.server.limits.LimitExceededException;
import io.switchboard.server.node.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The server API's {@code Subscribe}: follows rooms as a backend session (any room, no
 * presence), with {@code since} recovery; the joins are commands of the session like a
 * client's, and its events go out already serialized.
 */
final class SubscribeCall {
    /** {@code Subscribe} with its events already serialized. */
    static final MethodDescriptor<SubscribeRequest, byte[]> METHOD = ServerApiGrpc.getSubscribeMethod().toBuilder(
            ServerApiGrpc.getSubscribeMethod().getRequestMarshaller(), RawBytes.MARSHALLER).build();

    private final ConnectionSettings connections;
    private final Node node;
    private final EventLoopFinder loops;
    private final ConnectionLimits limits;

    SubscribeCall(ConnectionSettings connections, Node node, EventLoopFinder loops, ConnectionLimits limits) {
        this.connections = connections;
        this.node = node;
        this.loops = loops;
        this.limits = limits;
    }

    /** Answers one call. */
    void start(SubscribeRequest request, StreamObserver<byte[]> responses) {
        ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) responses;
        if (request.getRoomsCount() == 0) {
            out.onError(invalid("name at least one room"));
            return;
        }
        List<Command> joins = new ArrayList<>();
        for (RoomSubscription subscription : request.getRoomsList()) {
            if (!Names.isValidRoom(subscription.getRoom())) {
                out.onError(invalid("bad room name '" + subscription.getRoom() + "': " + Names.ROOM_RULE));
                return;
            }
            try {
                StreamPosition since = subscription.hasSince() ? CommandFields.since(
                        subscription.getSince().getOffset(), subscription.getSince().getEpoch()) : null;
                joins.add(new Command.JoinRoom(IntNode.valueOf(joins.size() + 1), subscription.getRoom(), since));
            } catch (FrameException e) {
                out.onError(invalid(e.getMessage()));
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
                "grpc-subscribe", GrpcCallAuth.PEER.get(), connections.outboundQueueBytes(),
                connections.closeTimeout());
        self[0] = connection;
        out.setOnReadyHandler(() -> loops.run(loop, connection::onReady));
        out.setOnCancelHandler(() -> loops.run(loop, connection::peerGone));
        loops.run(loop, () -> {
            connection.attach(node.open(Identity.backend(caller), connection, null, ticket::release));
            joins.forEach(connection.session()::receive);
        });
    }
}
