package io.switchboard.tools.probe;

import java.util.Map;

/**
 * One probed request that completed.
 *
 * @param phaseMicros   microseconds spent in each phase that happened, in order
 * @param totalMicros   the sum of the phases: the time from before resolving to the end of the response
 * @param status        the HTTP status code
 * @param bytesReceived every byte that came from the server after the handshakes (decrypted)
 * @param bodyBytes     the bytes of the response body, without any chunked framing
 * @param tls           what the TLS handshake settled on, or null without TLS
 */
record ProbeResult(Map<Phase, Long> phaseMicros, long totalMicros, int status, long bytesReceived,
                   long bodyBytes, TlsDetails tls) {
}
