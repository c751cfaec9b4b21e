package io.switchboard.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.switchboard.protocol.Names;
import io.switchboard.server.config.JwtSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Tokens (JWT, RFC 8725 practice) checked with nimbus-jose-jwt. Each key admits only the
 * algorithms of its type (HMAC secrets HS*, RSA keys RS* and PS*, EC keys the ES* of their curve),
 * so an HMAC token signed with a public key and unsigned ({@code none}) tokens never pass.
 * {@code exp} and {@code sub} are required; {@code nbf}, {@code iss} and {@code aud} are checked,
 * with a small leeway for clocks.
 */
public final class JwtAuthenticator implements Authenticator {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JwtAuthenticator.class);
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public JwtAuthenticator(JwtSettings settings) {
        List<KeySlot> slots = new ArrayList<>();
        try {
            for (String secret : settings.hmacSecrets()) {
                byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
                if (bytes.length < 32) {
                    throw new IllegalArgumentException("an HMAC secret must be at least 32 bytes (256 bits)");
                }
                slots.add(KeySlot.of(new OctetSequenceKey.Builder(bytes).build(), false));
            }
            for (Path file : settings.publicKeys()) {
                slots.add(KeySlot.of(publicKey(file), false));
            }
            if (settings.jwks() != null) {
                for (JWK key : JWKSet.load(settings.jwks().toFile()).getKeys()) {
                    if (key.isPrivate()) {
                        throw new IllegalArgumentException("the JWKS file holds a private key; give public keys only");
                    }
                    if (KeyUse.ENCRYPTION.equals(key.getKeyUse())
                            || key.getKeyOperations() != null && !key.getKeyOperations().contains(KeyOperation.VERIFY)) {
                        // RFC 7517: a key meant for encryption must not verify signatures.
                        log.info("JWKS key {} is not for verifying signatures; not used", key.getKeyID());
                        continue;
                    }
                    slots.add(KeySlot.of(key, true));
                }
            }
        } catch (IOException | ParseException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read a token key: " + e.getMessage(), e);
        }
        if (slots.isEmpty()) {
            throw new IllegalArgumentException("no token key configured");
        }
        List<KeySlot> keys = List.copyOf(slots);
        processor.setJWSKeySelector((header, context) -> select(keys, header));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (settings.issuer() != null) {
            exact.issuer(settings.issuer());
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                settings.audience(), exact.build(), Set.of("sub", "exp"));
        claims.setMaxClockSkew((int) settings.leeway().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /**
     * The keys that may verify a token with this header: those whose own algorithms include the
     * header's, and, for keys from a JWKS (which carry ids), the one the header's {@code kid}
     * names. The {@code kid} is only ever compared, never used to find or load anything.
     */
    private static List<Key> select(List<KeySlot> keys, JWSHeader header) throws KeySourceException {
        List<Key> chosen = new ArrayList<>();
        String kid = header.getKeyID();
        for (KeySlot slot : keys) {
            if (!slot.algorithms().contains(header.getAlgorithm())) {
                continue;
            }
            if (slot.byId() && kid != null && !kid.equals(slot.key().getKeyID())) {
                continue;
            }
            chosen.add(slot.verificationKey());
        }
        return chosen;
    }

    /** A verification key with the algorithms it admits; {@code byId}: chosen by the token's {@code kid}. */
    private record KeySlot(JWK key, Set<JWSAlgorithm> algorithms, boolean byId, Key verificationKey) {
        static KeySlot of(JWK key, boolean byId) {
            try {
                Key verification;
                if (key instanceof OctetSequenceKey) {
                    verification = ((OctetSequenceKey) key).toSecretKey();
                } else if (key instanceof RSAKey) {
                    if (key.size() < 2048) {
                        throw new IllegalArgumentException("an RSA key must have at least 2048 bits, "
                                + (key.getKeyID() == null ? "one" : "'" + key.getKeyID() + "'") + " has " + key.size());
                    }
                    verification = ((RSAKey) key).toRSAPublicKey();
                } else if (key instanceof ECKey) {
                    verification = ((ECKey) key).toECPublicKey();
                } else {
                    throw new IllegalArgumentException("unsupported key type " + key.getKeyType());
                }
                return new KeySlot(key, algorithmsFor(key), byId, verification);
            } catch (JOSEException e) {
                throw new IllegalArgumentException("unusable token key: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Optional<Identity> authenticate(HttpRequest request, String pathUserId) throws AuthenticationException {
        String token = token(request);
        if (token == null) {
            return Optional.empty();
        }
        Identity identity = verify(token);
        if (pathUserId != null && !pathUserId.equals(identity.userId())) {
            throw new AuthenticationException("the token is for another user than the path's", true);
        }
        return Optional.of(identity);
    }

    @Override
    public Identity verify(String token) throws AuthenticationException {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new AuthenticationException("malformed token");
        } catch (BadJOSEException | JOSEException e) {
            throw new AuthenticationException("token refused: " + e.getMessage());
        }
        String user = claims.getSubject();
        if (!Names.isValidUserId(user)) {
            throw new AuthenticationException("the token's subject is not a valid user id");
        }
        List<String> grants = new ArrayList<>();
        try {
            List<String> rooms = claims.getStringListClaim("rooms");
            if (rooms != null) {
                grants.addAll(rooms);
            }
        } catch (ParseException e) {
            throw new AuthenticationException("the token's 'rooms' claim must be a list of strings");
        }
        Instant expires = claims.getExpirationTime().toInstant();
        return new Identity(user, expires, List.copyOf(grants));
    }

    @Override
    public boolean isSecure() {
        return true;
    }

    /** The token of a handshake: {@code Authorization: Bearer ...}, else {@code ?token=}. */
    static String token(HttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header != null) {
            // Present but not "Bearer <token>": an empty token, which no key verifies.
            return header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
        }
        List<String> query = new QueryStringDecoder(request.uri()).parameters().get("token");
        return query == null || query.isEmpty() ? null : query.get(0);
    }

    private static JWK publicKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file);
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(base64);
        PublicKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException notRsa) {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        }
        if (key instanceof RSAPublicKey) {
            return new RSAKey.Builder((RSAPublicKey) key).build();
        }
        ECPublicKey ec = (ECPublicKey) key;
        return new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build();
    }

    private static Set<JWSAlgorithm> algorithmsFor(JWK key) {
        if (key.getAlgorithm() != null) {
            return Set.of(JWSAlgorithm.parse(key.getAlgorithm().getName()));
        }
        if (key instanceof RSAKey) {
            return JWSAlgorithm.Family.RSA;
        }
        if (key instanceof ECKey) {
            Curve curve = ((ECKey) key).getCurve();
            for (JWSAlgorithm algorithm : JWSAlgorithm.Family.EC) {
                if (Curve.forJWSAlgorithm(algorithm).contains(curve)) {
                    return Set.of(algorithm);
                }
            }
            throw new IllegalArgumentException("unsupported EC curve " + curve);
        }
        if (key instanceof OctetSequenceKey) {
            return JWSAlgorithm.Family.HMAC_SHA;
        }
        throw new IllegalArgumentException("unsupported key type " + key.getKeyType());
    }
}
