package io.switchboard.server.presence;

/** A user present in a room (or online), with how many connections they have there. */
public record Member(String userId, int connections) {
}
