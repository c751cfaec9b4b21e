package io.switchboard.tools.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * One request made on plain sockets, so that each phase of it can be timed on its own: resolving,
 * connecting, the TLS handshake, writing the request, waiting for the first byte and reading the rest.
 */
final class Probe {
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ProbeTarget target;
    private final int timeoutMillis;
    private final TrustManager[] trust;
    private final boolean verifyHostname;

    /**
     * @param trust          the trust managers for TLS targets, or null for the JDK's default trust
     * @param verifyHostname whether the certificate must name the host (off only with --insecure)
     */
    Probe(ProbeTarget target, int timeoutMillis, TrustManager[] trust, boolean verifyHostname) {
        this.target = target;
        this.timeoutMillis = timeoutMillis;
        this.trust = trust;
        this.verifyHostname = verifyHostname;
    }

    /** Makes the request on a new connection and times it. */
    ProbeResult run() throws ProbeFailure, GeneralSecurityException {
        // A fresh context for each run, so every handshake is a full one rather than a resumption.
        SSLContext context = null;
        if (target.tls()) {
            context = SSLContext.getInstance("TLS");
            context.init(null, trust, null);
        }
        String key = target.websocket() ? websocketKey() : null;
        byte[] request = request(key);

        Timeline timeline = new Timeline();
        Phase phase = Phase.DNS;
        try (Socket socket = new Socket()) {
            InetAddress address = InetAddress.getAllByName(target.host())[0];
            timeline.end(Phase.DNS);

            phase = Phase.CONNECT;
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(address, target.port()), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            timeline.end(Phase.CONNECT);

            if (context == null) {
                ProbeResult result = exchange(socket, request, key, timeline, null);
                phase = Phase.TRANSFER;
                return result;
            }
            phase = Phase.TLS;
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory()
                    .createSocket(socket, target.host(), target.port(), true)) {
                tls.setSSLParameters(parameters(tls.getSSLParameters()));
                tls.startHandshake();
                timeline.end(Phase.TLS);
                SSLSession session = tls.getSession();
                String alpn = tls.getApplicationProtocol();
                TlsDetails details = new TlsDetails(session.getProtocol(), session.getCipherSuite(),
                        alpn == null || alpn.isEmpty() ? null : alpn);
                ProbeResult result = exchange(tls, request, key, timeline, details);
                phase = Phase.TRANSFER;
                return result;
            }
        } catch (PhaseError e) {
            throw new ProbeFailure(e.phase, e.error);
        } catch (IOException | IllegalArgumentException e) {
            throw new ProbeFailure(phase, e);
        }
    }

    private ProbeResult exchange(Socket connection, byte[] request, String key, Timeline timeline,
                                 TlsDetails tls) throws PhaseError {
        Phase phase = Phase.SEND;
        try {
            OutputStream out = connection.getOutputStream();
            out.write(request);
            out.flush();
            timeline.end(Phase.SEND);

            phase = Phase.FIRST_BYTE;
            InputStream in = connection.getInputStream();
            ResponseReader reader = new ResponseReader(in);
            reader.awaitFirstByte();
            timeline.end(Phase.FIRST_BYTE);

            phase = Phase.TRANSFER;
            ResponseReader.Response response = reader.read();
            timeline.end(Phase.TRANSFER);

            if (key != null && response.status() == 101) {
                String accept = response.headers().get("sec-websocket-accept");
                if (!websocketAccept(key).equals(accept)) {
                    throw new IOException("the server's Sec-WebSocket-Accept '" + accept
                            + "' does not answer the key sent");
                }
            }
            return new ProbeResult(timeline.phases(), timeline.totalMicros(), response.status(),
                    reader.received(), response.bodyBytes(), tls);
        } catch (IOException e) {
            throw new PhaseError(phase, e);
        }
    }

    private SSLParameters parameters(SSLParameters parameters) {
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        if (!target.hostIsAddress()) {
            parameters.setServerNames(List.of(new SNIHostName(target.host())));
        }
        if (verifyHostname) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        return parameters;
    }

    private byte[] request(String websocketKey) {
        StringBuilder request = new StringBuilder()
                .append("GET ").append(target.requestTarget()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(target.hostHeader()).append("\r\n")
                .append("User-Agent: switchboard-probe\r\n");
        if (websocketKey == null) {
            request.append("Accept: */*\r\n")
                    .append("Connection: close\r\n");
        } else {
            request.append("Upgrade: websocket\r\n")
                    .append("Connection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: ").append(websocketKey).append("\r\n")
                    .append("Sec-WebSocket-Version: 13\r\n");
        }
        return request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String websocketKey() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** The {@code Sec-WebSocket-Accept} a server must answer {@code key} with (RFC 6455, 4.2.2). */
    static String websocketAccept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-1", e);
        }
    }

    /**
     * Stamps taken with {@link System#nanoTime()} on one timeline, rounded to microseconds: each phase
     * is the difference between two consecutive stamps, so the phases add up to the total exactly.
     */
    private static final class Timeline {
        private final long start = System.nanoTime();
        private final Map<Phase, Long> phases = new EnumMap<>(Phase.class);
        private long lastMicros;

        void end(Phase phase) {
            long micros = (System.nanoTime() - start + 500) / 1000;
            phases.put(phase, micros - lastMicros);
            lastMicros = micros;
        }

        Map<Phase, Long> phases() {
            return new EnumMap<>(phases);
        }

        long totalMicros() {
            return lastMicros;
        }
    }

    /** An error inside the exchange, carrying the phase it happened in past the socket's closing. */
    private static final class PhaseError extends Exception {
        final Phase phase;
        final IOException error;

        PhaseError(Phase phase, IOException error) {
            super(error);
            this.phase = phase;
            this.error = error;
        }
    }
}
