package io.switchboard.server.session;

import io.switchboard.protocol.ErrorCode;
import io.switchboard.protocol.Command;
import java.util.concurrent.CompletionStage;

/** Serves a session's commands and learns when a session ends; implemented by the node. */
public interface CommandHandler {
    /**
     * Serves one command. The stage fails with a {@link io.switchboard.protocol.FrameException}
     * for an error the client should see; anything else is answered as {@code internal}.
     */
    CompletionStage<Reply> handle(Session session, Command command);

    /** The session has ended (its connection closed or is closing); called once, on its loop. */
    void closed(Session session);

    /**
     * A frame the session answered with an error without serving it: it could not be read as a
     * command ({@code type} {@code invalid}) or came over the command budget.
     */
    default void refused(String type, ErrorCode code) {
    }
}
