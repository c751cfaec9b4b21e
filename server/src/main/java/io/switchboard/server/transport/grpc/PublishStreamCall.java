package io.switchboard.server.transport.grpc;

import static io.switchboard.server.transport.grpc.ApiArguments.content;
import static io.switchboard.server.transport.grpc.ApiArguments.errorCode;
import static io.switchboard.server.transport.grpc.ApiArguments.from;
import static io.switchboard.server.transport.grpc.ApiArguments.idempotencyKey;
import static io.switchboard.server.transport.grpc.ApiArguments.room;
import static io.switchboard.server.transport.grpc.ApiArguments.status;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoop;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.protocol.grpc.v1.PublishFailure;
import io.switchboard.protocol.grpc.v1.PublishRequest;
import io.switchboard.protocol.grpc.v1.PublishSummary;
import io.switchboard.protocol.grpc.v1.RoomRange;
import io.switchboard.server.limits.RateLimiter;
import io.switchboard.server.node.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server API's {@code PublishStream}: publishes a stream of publications in order, a window
 * of them in flight, each spending the caller's API budget, and answers one summary (per-room
 * offset ranges and the failures, both bounded).
 */
final class PublishStreamCall {
    private static final Logger log = LoggerFactory.getLogger(PublishStreamCall.class);
    /** Publications of one {@code PublishStream} in flight at once. */
    private static final int PUBLISH_WINDOW = 64;
    /** Rooms and failures a summary lists; the rest are only counted, so a stream's state stays bounded. */
    private static final int MAX_LISTED = 1000;

    private final Node node;
    private final EventLoopFinder loops;
    private final RateLimiter limiter;
    private final int maxJsonDepth;

    PublishStreamCall(Node node, EventLoopFinder loops, RateLimiter limiter, int maxJsonDepth) {
        this.node = node;
        this.loops = loops;
        this.limiter = limiter;
        this.maxJsonDepth = maxJsonDepth;
    }

    /** Answers one call: the observer of its requests. */
    StreamObserver<PublishRequest> start(StreamObserver<PublishSummary> responses) {
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
                                content(request.getContent(), maxJsonDepth), idempotencyKey(request.getIdempotencyKey()));
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
}
