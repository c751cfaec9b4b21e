package io.switchboard.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Receives what the server pushes. Called on the client's I/O thread, one frame at a time, in
 * the order the frames arrived; implementations must not block.
 */
public interface SwitchboardListener {
    /** Every frame as parsed JSON, before the typed callback for it. */
    default void onFrame(JsonNode frame) {
    }

    default void onMessage(Events.RoomMessage message) {
    }

    default void onDirectMessage(Events.DirectMessage message) {
    }

    default void onPresence(Events.Presence presence) {
    }

    default void onMembership(Events.Membership membership) {
    }

    /** An {@code error} that answers no request of this client (it had no {@code id}). */
    default void onError(SwitchboardException error) {
    }

    default void onDisconnect(Events.Disconnect disconnect) {
    }

    /** The connection is closed; called once. */
    default void onClose(Events.Closed closed) {
    }
}
