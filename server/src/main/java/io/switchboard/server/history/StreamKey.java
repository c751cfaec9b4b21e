package io.switchboard.server.history;

/** A stream of numbered publications: a room's messages, or the direct messages to one user. */
public record StreamKey(Kind kind, String name) {
    /** What a stream belongs to. */
    public enum Kind { ROOM, USER }

    public static StreamKey room(String room) {
        return new StreamKey(Kind.ROOM, room);
    }

    public static StreamKey user(String user) {
        return new StreamKey(Kind.USER, user);
    }

    public boolean isRoom() {
        return kind == Kind.ROOM;
    }
}
