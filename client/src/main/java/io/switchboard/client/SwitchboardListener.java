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

    /**
     * The connection was lost and the client will try again after {@code delay}
     * ({@code attempt} counts from 1).
     */
    default void onReconnecting(int attempt, java.time.Duration delay) {
    }

    /** The client is connected again; it is rejoining its rooms and recovering what it missed. */
    default void onReconnected(Events.Connected connected) {
    }

    /**
     * What the room published while the client was away could not all be recovered (it is no
     * longer kept, or the room's stream started again); the client continues live from now.
     */
    default void onRecoveryFailed(String room) {
    }

    /** Like {@link #onRecoveryFailed}, for the user's direct messages. */
    default void onDirectRecoveryFailed() {
    }

    /** The client is closed for good (closed by the application, or not to reconnect); called once. */
    default void onClose(Events.Closed closed) {
    }
}
