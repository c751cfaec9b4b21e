package io.switchboard.server.presence;

/** An active room: how many users are in it, with how many connections in all. */
public record RoomSummary(String room, int users, int connections) {
}
