package io.switchboard.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Signs HS256 tokens with a shared secret, the way a backend gives its users tokens for
 * Switchboard: {@code sub} is the user, {@code exp} the end, {@code rooms} the private-room
 * grants. For development and tests; production backends mint with their own JWT library.
 */
public final class TokenMinter {
    private final MACSigner signer;

    public TokenMinter(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 32) {
            throw new IllegalArgumentException("an HMAC secret must be at least 32 bytes (256 bits)");
        }
        try {
            this.signer = new MACSigner(bytes);
        } catch (JOSEException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A token for {@code user} valid from now for {@code ttl}; {@code issuer}, {@code audience} may be null. */
    public String mint(String user, Duration ttl, List<String> rooms, String issuer, String audience) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(user)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)));
        if (!rooms.isEmpty()) {
            claims.claim("rooms", List.copyOf(rooms));
        }
        if (issuer != null) {
            claims.issuer(issuer);
        }
        if (audience != null) {
            claims.audience(audience);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
