package io.switchboard.tools.probe;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a TLS handshake settled on.
 *
 * @param version the protocol version, e.g. {@code TLSv1.3}
 * @param cipher  the cipher suite
 * @param alpn    the application protocol the server chose, or null when it chose none
 */
record TlsDetails(
        @JsonProperty("version") String version,
        @JsonProperty("cipher") String cipher,
        @JsonProperty("alpn") String alpn) {
}
