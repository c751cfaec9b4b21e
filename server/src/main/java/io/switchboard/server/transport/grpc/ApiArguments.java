package io.switchboard.server.transport.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import io.switchboard.protocol.Names;
import io.switchboard.protocol.StreamPosition;
import io.switchboard.protocol.grpc.JsonValues;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks of the server API's gRPC arguments (room names, user ids, keys, content), each
 * failing with {@code INVALID_ARGUMENT} and why, and the statuses failures answer with.
 */
final class ApiArguments {
    private static final Logger log = LoggerFactory.getLogger(ApiArguments.class);

    private ApiArguments() {
    }

    /** The status a failed call answers: its own, a refusal's code, or INTERNAL (logged). */
    static Status status(Throwable failure) {
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

    static ErrorCode errorCode(String wire) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.wireName().equals(wire)) {
                return code;
            }
        }
        return ErrorCode.INTERNAL;
    }

    /** The protocol's error code nearest to a status, for a publish failure in a summary. */
    static String errorCode(Status status) {
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

    /** A publication's content as JSON text, no deeper than {@code maxDepth}. */
    static String content(com.google.protobuf.Value value, int maxDepth) {
        JsonNode json = JsonValues.toJson(value);
        if (depth(json) > maxDepth) {
            throw invalid("content nested deeper than " + maxDepth + " levels");
        }
        return json.toString();
    }

    static int depth(JsonNode node) {
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return node.isContainerNode() ? deepest + 1 : 0;
    }

    static String room(String room) {
        if (!Names.isValidRoom(room)) {
            throw invalid("bad room name: " + Names.ROOM_RULE);
        }
        return room;
    }

    static String user(String user) {
        if (!Names.isValidUserId(user)) {
            throw invalid("bad user id: " + Names.USER_RULE);
        }
        return user;
    }

    /** An idempotency key, or {@code null} for the empty string (proto3's "not given"). */
    static String idempotencyKey(String key) {
        if (key.isEmpty()) {
            return null;
        }
        if (!Names.isValidIdempotencyKey(key)) {
            throw invalid("bad idempotency_key: " + Names.IDEMPOTENCY_KEY_RULE);
        }
        return key;
    }

    /** The sender to show, or {@code null} for the empty string. */
    static String from(String from) {
        if (from.isEmpty()) {
            return null;
        }
        return user(from);
    }

    static io.switchboard.protocol.grpc.v1.StreamPosition position(StreamPosition position) {
        return io.switchboard.protocol.grpc.v1.StreamPosition.newBuilder().setOffset(position.offset())
                .setEpoch(position.epoch()).build();
    }

    static StatusRuntimeException invalid(String why) {
        return Status.INVALID_ARGUMENT.withDescription(why).asRuntimeException();
    }
}
