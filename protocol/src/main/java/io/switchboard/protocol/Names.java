package io.switchboard.protocol;

/** Rules for user ids and room names (PROTOCOL.md §2). */
public final class Names {
    /** The reserved room that carries online/offline events. */
    public static final String PRESENCE_ROOM = "presence";

    public static final int MAX_USER_ID_LENGTH = 128;
    public static final int MAX_ROOM_LENGTH = 200;

    public static final String ROOM_RULE =
            "a room name is 1 to 200 characters of A-Z a-z 0-9 _ - . : @ # $ / = ,";
    public static final String USER_RULE =
            "a user id is 1 to 128 characters without control characters";
    public static final int MAX_IDEMPOTENCY_KEY_LENGTH = 64;
    public static final String IDEMPOTENCY_KEY_RULE =
            "an idempotency key is 1 to 64 characters of printable ASCII";

    private Names() {
    }

    /** Whether {@code userId} is 1 to 128 characters (code points) with no control character. */
    public static boolean isValidUserId(String userId) {
        if (userId == null || userId.isEmpty()) {
            return false;
        }
        int count = 0;
        for (int i = 0; i < userId.length(); ) {
            int cp = userId.codePointAt(i);
            if (Character.getType(cp) == Character.CONTROL || Character.isSurrogate((char) cp)) {
                return false;
            }
            i += Character.charCount(cp);
            if (++count > MAX_USER_ID_LENGTH) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code key} is 1 to 64 characters of printable ASCII (0x21 to 0x7e). */
    public static boolean isValidIdempotencyKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY_LENGTH) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code room} is 1 to 200 characters of the room alphabet. */
    public static boolean isValidRoom(String room) {
        if (room == null || room.isEmpty() || room.length() > MAX_ROOM_LENGTH) {
            return false;
        }
        for (int i = 0; i < room.length(); i++) {
            if (!isRoomChar(room.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The namespace of a room: the part of its name before the first {@code :}, after a leading
     * {@code $}; empty when there is no {@code :}. {@code $vip:lounge} is in namespace {@code vip}.
     */
    public static String namespace(String room) {
        int start = room.startsWith("$") ? 1 : 0;
        int colon = room.indexOf(':', start);
        return colon < 0 ? "" : room.substring(start, colon);
    }

    /** Whether a room is private: its name starts with {@code $}, and joining needs a grant in the token. */
    public static boolean isPrivate(String room) {
        return room.startsWith("$");
    }

    /**
     * The users a user-limited room admits: the comma-separated list after its last {@code #}
     * ({@code dm:#alice,bob}); {@code null} when the name has no {@code #}.
     */
    public static java.util.List<String> allowedUsers(String room) {
        int hash = room.lastIndexOf('#');
        if (hash < 0) {
            return null;
        }
        return java.util.List.of(room.substring(hash + 1).split(",", -1));
    }

    private static boolean isRoomChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "_-.:@#$/=,".indexOf(c) >= 0;
    }
}
