package io.switchboard.server.hub;

/** A snapshot of the hub's local index: sessions, distinct users and distinct rooms on this node. */
public record HubStats(int sessions, int users, int rooms) {
}
