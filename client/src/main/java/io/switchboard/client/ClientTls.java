package io.switchboard.client;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The client's TLS: TLS 1.3 and 1.2, the server's name checked against its certificate
 * (endpoint identification "HTTPS"), trusting the JDK's trust store or the certificates given.
 */
final class ClientTls {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ClientTls() {
    }

    /** The certificates of a PEM file, or null for none (the JDK's trust store). */
    static List<X509Certificate> trust(Path pemFile) {
        if (pemFile == null) {
            return null;
        }
        try (InputStream in = Files.newInputStream(pemFile)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + pemFile);
            }
            return List.copyOf(certificates);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read certificates from " + pemFile, e);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not PEM certificates: " + pemFile + ": " + e.getMessage(), e);
        }
    }

    /** For {@code wss://}: HTTP/1.1 offered by ALPN, as a WebSocket handshake needs. */
    static SslContext forWebSocket(List<X509Certificate> trust) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .protocols(PROTOCOLS)
                .endpointIdentificationAlgorithm("HTTPS")
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_1_1));
        if (trust != null) {
            builder.trustManager(trust);
        }
        return build(builder);
    }

    /** For {@code grpcs://}: gRPC's own settings (HTTP/2 by ALPN) with the same trust. */
    static SslContext forGrpc(List<X509Certificate> trust) {
        SslContextBuilder builder = GrpcSslContexts.forClient()
                .protocols(PROTOCOLS)
                .endpointIdentificationAlgorithm("HTTPS");
        if (trust != null) {
            builder.trustManager(trust);
        }
        return build(builder);
    }

    private static SslContext build(SslContextBuilder builder) {
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up client TLS: " + e.getMessage(), e);
        }
    }
}
