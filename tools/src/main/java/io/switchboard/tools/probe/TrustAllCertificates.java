package io.switchboard.tools.probe;

import java.net.Socket;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts every certificate chain a server presents, without checking it or the host name: for
 * {@code --insecure} only, to time requests to test servers with self-signed certificates. It gives
 * no protection against an impostor and must never be used for anything else.
 */
final class TrustAllCertificates extends X509ExtendedTrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        // Every server is trusted: that is the point of --insecure.
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // Every server is trusted: that is the point of --insecure.
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // Every server is trusted: that is the point of --insecure.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // A probe is only ever a client.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        // A probe is only ever a client.
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        // A probe is only ever a client.
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
