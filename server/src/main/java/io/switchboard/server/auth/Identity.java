package io.switchboard.server.auth;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who a client is: its user id, when its credentials expire ({@code null}: never, as in insecure
 * mode), and the private rooms its token grants ({@code rooms} claim: names or patterns with
 * {@code *}). A {@code backend} is a server API caller following rooms: it may follow any room,
 * and it is nobody's presence (no online, no join or leave).
 */
public record Identity(String userId, Instant expiresAt, List<String> roomGrants, boolean backend) {
    public Identity(String userId, Instant expiresAt, List<String> roomGrants) {
        this(userId, expiresAt, roomGrants, false);
    }

    /** An identity taken from the path, in insecure mode: no expiry, no grants. */
    public static Identity unverified(String userId) {
        return new Identity(userId, null, List.of());
    }

    /** A server API caller (named after its key) that follows rooms. */
    public static Identity backend(String name) {
        return new Identity(name, null, List.of(), true);
    }

    /** Whether a grant covers {@code room}; {@code *} in a grant matches any run of characters. */
    public boolean grants(String room) {
        for (String grant : roomGrants) {
            StringBuilder regex = new StringBuilder();
            for (String part : grant.split("\\*", -1)) {
                if (regex.length() > 0) {
                    regex.append(".*");
                }
                regex.append(Pattern.quote(part));
            }
            if (Pattern.matches(regex.toString(), room)) {
                return true;
            }
        }
        return false;
    }
}
