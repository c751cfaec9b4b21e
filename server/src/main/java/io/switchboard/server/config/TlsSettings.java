package io.switchboard.server.config;

import java.nio.file.Path;

/**
 * Whether and how a node serves TLS.
 *
 * @param cert a PEM certificate chain, or {@code null}
 * @param key the PEM (PKCS#8) key of {@code cert}, or {@code null}
 * @param selfSigned whether to make a certificate at start-up instead
 */
public record TlsSettings(Path cert, Path key, boolean selfSigned) {
    /** Whether the node serves TLS. */
    public boolean enabled() {
        return cert != null || selfSigned;
    }
}
