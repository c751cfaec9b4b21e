package io.switchboard.server.auth;

import io.netty.handler.codec.http.HttpRequest;

/** Decides who a connecting client is, from its handshake request. */
public interface Authenticator {
    /**
     * The user id of the client making {@code request}.
     *
     * @param pathUserId the user id in the path ({@code /ws/{user_id}}), or {@code null}
     * @throws AuthenticationException when the client may not connect as anyone
     */
    String authenticate(HttpRequest request, String pathUserId) throws AuthenticationException;

    /** Whether clients must prove who they are; {@code false} trusts the path. */
    boolean isSecure();
}
