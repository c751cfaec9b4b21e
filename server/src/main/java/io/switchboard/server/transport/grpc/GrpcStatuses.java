package io.switchboard.server.transport.grpc;

import io.grpc.Status;
import io.switchboard.protocol.CloseCodes;
import io.switchboard.protocol.ErrorCode;

/** The protocol's error and close codes as gRPC statuses. */
final class GrpcStatuses {
    private GrpcStatuses() {
    }

    static Status of(ErrorCode code) {
        switch (code) {
            case BAD_REQUEST:
            case UNKNOWN_TYPE:
                return Status.INVALID_ARGUMENT;
            case UNAUTHORIZED:
                return Status.UNAUTHENTICATED;
            case FORBIDDEN:
                return Status.PERMISSION_DENIED;
            case NOT_FOUND:
                return Status.NOT_FOUND;
            case TOO_LARGE:
            case RATE_LIMITED:
            case LIMIT_EXCEEDED:
                return Status.RESOURCE_EXHAUSTED;
            case UNAVAILABLE:
                return Status.UNAVAILABLE;
            default:
                return Status.INTERNAL;
        }
    }

    /** The status that ends a stream the server closes with a WebSocket close code. */
    static Status ofClose(int code) {
        switch (code) {
            case CloseCodes.NORMAL:
                return Status.OK;
            case CloseCodes.UNAUTHORIZED:
                return Status.UNAUTHENTICATED;
            case CloseCodes.FORBIDDEN:
                return Status.PERMISSION_DENIED;
            case CloseCodes.SLOW_CONSUMER:
            case CloseCodes.RATE_LIMITED:
            case CloseCodes.MESSAGE_TOO_BIG:
                return Status.RESOURCE_EXHAUSTED;
            case CloseCodes.GOING_AWAY:
            case CloseCodes.TRY_AGAIN_LATER:
            case CloseCodes.SERVICE_RESTART:
                return Status.UNAVAILABLE;
            default:
                return Status.INTERNAL;
        }
    }
}
