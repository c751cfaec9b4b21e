package io.switchboard.server.auth;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who a client is: its user id, when its credentials expire ({@code null}: never, as in insecure
 * mode), and the private rooms its token grants ({@code rooms} claim: names or patterns with
 * {@code *}).
 */
public record Identity(String userId, Instant expiresAt, List<String> roomGrants) {
    /** An identity taken from the path, in insecure mode: no expiry, no grants. */
    public static Identity unverified(String userId) {
        return new Identity(userId, null, List.of());
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
