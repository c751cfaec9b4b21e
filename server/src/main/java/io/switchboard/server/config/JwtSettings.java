package io.switchboard.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where tokens' keys come from and what their claims must say.
 *
 * @param hmacSecrets shared secrets for HS256/384/512 (at least 32 bytes each)
 * @param publicKeys PEM files of RSA or EC public keys (RS/PS or ES algorithms)
 * @param jwks a JWKS file, or {@code null}
 * @param issuer the required {@code iss}, or {@code null}
 * @param audience the required {@code aud}, or {@code null}
 * @param leeway clock skew allowed on {@code exp} and {@code nbf}
 */
public record JwtSettings(List<String> hmacSecrets, List<Path> publicKeys, Path jwks, String issuer,
                          String audience, Duration leeway) {
    public static final JwtSettings NONE = new JwtSettings(List.of(), List.of(), null, null, null, Duration.ofSeconds(30));

    public JwtSettings {
        hmacSecrets = List.copyOf(hmacSecrets);
        publicKeys = List.copyOf(publicKeys);
    }

    /** Whether any key is configured: then clients must present tokens. */
    public boolean configured() {
        return !hmacSecrets.isEmpty() || !publicKeys.isEmpty() || jwks != null;
    }
}
