package io.switchboard.server.auth;

import io.netty.handler.codec.http.HttpRequest;
import java.util.Optional;

/** Decides who a connecting client is, from its handshake request or a token it sends later. */
public interface Authenticator {
    /**
     * Who the client making {@code request} is: from a token in {@code Authorization: Bearer} or
     * {@code ?token=}, or (insecure mode) from the path. Empty when the request carries no
     * credentials and a {@code connect} frame may still bring them.
     *
     * @param pathUserId the user id in the path ({@code /ws/{user_id}}), or {@code null}
     * @throws AuthenticationException when the credentials are bad, or for another user than the path's
     */
    Optional<Identity> authenticate(HttpRequest request, String pathUserId) throws AuthenticationException;

    /** Who a token (of a {@code connect} or {@code refresh} frame) says the client is. */
    Identity verify(String token) throws AuthenticationException;

    /** Whether clients must prove who they are; {@code false} trusts the path. */
    boolean isSecure();
}
