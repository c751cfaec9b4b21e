package io.switchboard.server.auth;

import io.switchboard.protocol.Names;
import io.switchboard.server.config.RoomPolicy;
import io.switchboard.server.config.RoomSettings;
import java.util.List;

/**
 * The room rules clients are held to: private rooms ({@code $...}) need a grant in the token,
 * user-limited rooms ({@code ...#alice,bob}) admit the users listed, and each namespace's
 * {@link RoomPolicy} says who publishes and whether presence is visible. Each check answers
 * {@code null} when allowed, else why not.
 */
public final class RoomAccess {
    private final RoomSettings rooms;

    public RoomAccess(RoomSettings rooms) {
        this.rooms = rooms;
    }

    /** Whether {@code who} may join {@code room}. */
    public String joinDenied(Identity who, String room) {
        if (who.backend()) {
            return null;
        }
        if (Names.isPrivate(room) && !who.grants(room)) {
            return "room '" + room + "' is private: the token must grant it (claim 'rooms')";
        }
        List<String> users = Names.allowedUsers(room);
        if (users != null && !users.contains(who.userId())) {
            return "room '" + room + "' admits only the users listed after its '#'";
        }
        return null;
    }

    /** Whether {@code who} may publish to {@code room}, being a member of it or not. */
    public String publishDenied(Identity who, String room, boolean member) {
        RoomPolicy.Publish publish = rooms.policy(room).publish();
        if (publish == RoomPolicy.Publish.SERVER) {
            return "only the server publishes to room '" + room + "'";
        }
        if (publish == RoomPolicy.Publish.MEMBERS && !member) {
            return "join room '" + room + "' before publishing to it";
        }
        return member ? null : joinDenied(who, room);
    }

    /** Whether {@code who} may see who is in {@code room}. */
    public String presenceDenied(Identity who, String room) {
        if (Names.PRESENCE_ROOM.equals(room)) {
            return null;
        }
        if (!rooms.policy(room).presence()) {
            return "presence is off for room '" + room + "'";
        }
        return joinDenied(who, room);
    }

    /** Whether the node keeps track of who is in {@code room} at all. */
    public boolean tracksMembers(String room) {
        RoomPolicy policy = rooms.policy(room);
        return policy.presence() || policy.joinLeave();
    }

    /** Whether members of {@code room} see {@code join} and {@code leave} events. */
    public boolean announcesMembership(String room) {
        return rooms.policy(room).joinLeave();
    }
}
