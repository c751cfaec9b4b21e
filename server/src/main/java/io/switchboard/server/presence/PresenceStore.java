package io.switchboard.server.presence;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Who is connected and who is in which room, across the cluster. Each change answers whether it
 * was a user's first or last connection, which is when online/offline and join/leave are emitted.
 */
public interface PresenceStore extends AutoCloseable {
    /** Records a connection; {@code true} when it is the user's first. */
    CompletionStage<Boolean> connect(String user, String connectionId);

    /** Forgets a connection; {@code true} when it was the user's last. */
    CompletionStage<Boolean> disconnect(String user, String connectionId);

    /** Records a connection in a room; {@code true} when it is the user's first there. */
    CompletionStage<Boolean> join(String room, String user, String connectionId);

    /** Removes a connection from a room; {@code true} when it was the user's last there. */
    CompletionStage<Boolean> leave(String room, String user, String connectionId);

    /** Members of a room with their connection counts, ordered by user id. */
    CompletionStage<List<Member>> members(String room);

    /** Every connected user with their connection counts, ordered by user id. */
    CompletionStage<List<Member>> online();

    @Override
    void close();
}
