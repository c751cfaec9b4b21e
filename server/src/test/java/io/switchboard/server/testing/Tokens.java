package io.switchboard.server.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.function.Consumer;

/**
 * Keys and tokens for tests: an HMAC secret, an RSA key pair whose public half is written as
 * PEM, and an EC key published in a JWKS file under a {@code kid}. Each token is built from
 * claims a test adjusts and signed with the signer it picks, good or bad.
 */
public final class Tokens {
    public static final String SECRET = "test-secret-test-secret-test-secret-0123";
    public static final String ISSUER = "https://issuer.test";
    public static final String AUDIENCE = "switchboard";
    public static final String EC_KID = "ec-key-1";

    private final KeyPair rsa;
    private final ECKey ec;
    private final Path publicKeyPem;
    private final Path jwks;

    /** Makes fresh keys and writes their public halves into {@code dir}. */
    public Tokens(Path dir) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            this.rsa = generator.generateKeyPair();
            this.ec = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(Curve.P_256).keyID(EC_KID).generate();
            this.publicKeyPem = dir.resolve("rsa-public.pem");
            Files.writeString(publicKeyPem, rsaPublicPem());
            this.jwks = dir.resolve("jwks.json");
            Files.writeString(jwks, new JWKSet(ec.toPublicJWK()).toString());
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path publicKeyPem() {
        return publicKeyPem;
    }

    public Path jwks() {
        return jwks;
    }

    /** The RSA public key as PEM text, the bytes an attacker would use as an HMAC secret. */
    public String rsaPublicPem() {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(rsa.getPublic().getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
    }

    /** Claims a valid token for {@code user} carries: sub, iss, aud, exp in an hour. */
    public static JWTClaimsSet.Builder claims(String user) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(user).issuer(ISSUER).audience(AUDIENCE)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(1))));
    }

    /** A valid HS256 token for {@code user}. */
    public static String hs256(String user) {
        return hs256(user, c -> { });
    }

    /** An HS256 token with the shared secret and claims adjusted by {@code change}. */
    public static String hs256(String user, Consumer<JWTClaimsSet.Builder> change) {
        JWTClaimsSet.Builder claims = claims(user);
        change.accept(claims);
        return sign(hmac(SECRET), new JWSHeader(JWSAlgorithm.HS256), claims.build());
    }

    /** A valid RS256 token for {@code user}. */
    public String rs256(String user) {
        return sign(new RSASSASigner((RSAPrivateKey) rsa.getPrivate()), new JWSHeader(JWSAlgorithm.RS256),
                claims(user).build());
    }

    /** An ES256 token for {@code user} signed with the JWKS key, with {@code kid} in its header. */
    public String es256(String user, String kid) {
        try {
            return sign(new ECDSASigner(ec), new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(),
                    claims(user).build());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key-confusion attack: HS256 with the RSA public key's PEM as the HMAC secret. */
    public String hs256WithPublicKey(String user) {
        return sign(hmac(rsaPublicPem()), new JWSHeader(JWSAlgorithm.HS256), claims(user).build());
    }

    /** An unsigned token ({@code alg: none}) that claims to be {@code user}. */
    public static String unsigned(String user) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims(user).build().toString().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    /** An HS256 token signed with {@code secret} and {@code kid} in its header. */
    public static String hs256(String user, String secret, String kid) {
        return sign(hmac(secret), new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(), claims(user).build());
    }

    private static JWSSigner hmac(String secret) {
        try {
            return new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
