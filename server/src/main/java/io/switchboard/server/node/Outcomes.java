package io.switchboard.server.node;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.FrameException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** What the parts of a node share to answer and fail: completed stages, answer fields, refusals. */
final class Outcomes {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private Outcomes() {
    }

    /** An empty JSON object, for the fields of an answer. */
    static ObjectNode fields() {
        return JSON.objectNode();
    }

    /** A command refused with {@code code}: the client gets an {@code error} frame saying {@code message}. */
    static <T> CompletionStage<T> failed(ErrorCode code, String message) {
        return CompletableFuture.failedFuture(new FrameException(code, message));
    }

    static CompletionException asCompletion(Throwable failure) {
        return failure instanceof CompletionException ? (CompletionException) failure : new CompletionException(failure);
    }

    /** The cause a stage failed with, unwrapped. */
    static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
