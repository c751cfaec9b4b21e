package io.switchboard.server.presence;

/**
 * A change of presence decided by the store: a user came online or went offline
 * ({@code room == null}), or joined or left a room; the node turns it into an event.
 */
public record PresenceChange(String room, String user, boolean present) {
    public static PresenceChange online(String user, boolean online) {
        return new PresenceChange(null, user, online);
    }

    public static PresenceChange membership(String room, String user, boolean joined) {
        return new PresenceChange(room, user, joined);
    }
}
