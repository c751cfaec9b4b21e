package io.switchboard.server.auth;

import io.netty.handler.codec.http.HttpRequest;
import java.util.Optional;

/**
 * Development mode: the user id in the path is believed as given. The server logs a warning when
 * it runs with this authenticator.
 */
public final class InsecureAuthenticator implements Authenticator {
    @Override
    public Optional<Identity> authenticate(HttpRequest request, String pathUserId) throws AuthenticationException {
        if (pathUserId == null) {
            throw new AuthenticationException(
                    "no authentication is configured, so the user id must be in the path: "
                            + "/ws/{user_id}, /sse/{user_id} or /poll/{user_id}");
        }
        return Optional.of(Identity.unverified(pathUserId));
    }

    @Override
    public Identity verify(String token) throws AuthenticationException {
        throw new AuthenticationException("no authentication is configured: tokens cannot be checked");
    }

    @Override
    public boolean isSecure() {
        return false;
    }
}
