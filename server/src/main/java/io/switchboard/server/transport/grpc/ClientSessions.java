package io.switchboard.server.transport.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoop;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.grpc.ProtoCommands;
import io.switchboard.protocol.grpc.v1.ClientCommand;
import io.switchboard.protocol.grpc.v1.SwitchboardGrpc;
import io.switchboard.server.auth.Identity;
import io.switchboard.server.config.ConnectionSettings;
import io.switchboard.server.limits.ConnectionLimits;
import io.switchboard.server.limits.LimitExceededException;
import io.switchboard.server.node.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Connect}: a client session over a bidirectional gRPC stream, served by the same
 * {@link Node} and session code as a WebSocket: each {@code ClientCommand} becomes the JSON
 * command it mirrors, and each frame goes down as a {@code ServerFrame} serialized once per
 * fan-out. Commands are read one at a time (gRPC flow control), so a session that stops reading
 * stops its client too.
 */
final class ClientSessions {
    private static final Logger log = LoggerFactory.getLogger(ClientSessions.class);

    /** {@code Connect} with its frames already serialized. */
    static final MethodDescriptor<ClientCommand, byte[]> CONNECT = SwitchboardGrpc.getConnectMethod().toBuilder(
            SwitchboardGrpc.getConnectMethod().getRequestMarshaller(), RawBytes.MARSHALLER).build();

    private final ConnectionSettings connections;
    private final Node node;
    private final ConnectionLimits limits;
    private final EventLoopFinder loops;
    private final ProtoCommands commands;

    ClientSessions(ConnectionSettings connections, Node node, ConnectionLimits limits, EventLoopFinder loops) {
        this.commands = new ProtoCommands(connections.maxJsonDepth());
        this.connections = connections;
        this.node = node;
        this.limits = limits;
        this.loops = loops;
    }

    ServerCallHandler<ClientCommand, byte[]> handler() {
        return ServerCalls.asyncBidiStreamingCall(this::connect);
    }

    private StreamObserver<ClientCommand> connect(StreamObserver<byte[]> responses) {
        ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) responses;
        Identity identity = GrpcCallAuth.IDENTITY.get();
        String peer = GrpcCallAuth.PEER.get();
        ConnectionLimits.Ticket ticket;
        try {
            ticket = limits.admit(peer, identity.userId());
        } catch (LimitExceededException e) {
            log.debug("gRPC Connect from {} refused: {}", peer, e.getMessage());
            out.onError(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException());
            return new Ignored();
        }
        out.disableAutoRequest();
        EventLoop loop = loops.current();
        GrpcConnection connection = new GrpcConnection(loop, out, GrpcFrames.SERVER_FRAMES, GrpcFrames::serverFrame,
                "grpc", peer, connections.outboundQueueBytes(), connections.closeTimeout());
        out.setOnReadyHandler(() -> loops.run(loop, connection::onReady));
        out.setOnCancelHandler(() -> loops.run(loop, connection::peerGone));
        loops.run(loop, () -> {
            connection.attach(node.open(identity, connection, null, ticket::release));
            out.request(1);
        });
        return new StreamObserver<>() {
            @Override
            public void onNext(ClientCommand command) {
                loops.run(loop, () -> {
                    try {
                        connection.session().receive(commands.decode(command));
                    } catch (FrameException refused) {
                        connection.session().receive(refused);
                    }
                    connection.commandTaken();
                });
            }

            @Override
            public void onError(Throwable failure) {
                log.debug("gRPC session of {} from {} broke: {}", identity.userId(), peer, failure.toString());
                loops.run(loop, connection::peerGone);
            }

            @Override
            public void onCompleted() {
                loops.run(loop, connection::clientDone);
            }
        };
    }



    /** The request side of a call refused before it started. */
    private static final class Ignored implements StreamObserver<ClientCommand> {
        @Override
        public void onNext(ClientCommand value) {
            // The call is closed; gRPC delivers nothing more.
        }

        @Override
        public void onError(Throwable t) {
            log.debug("refused gRPC call ended: {}", t.toString());
        }

        @Override
        public void onCompleted() {
            // Nothing to finish: the call was refused.
        }
    }
}
