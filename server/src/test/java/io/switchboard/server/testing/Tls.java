package io.switchboard.server.testing;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Client TLS for tests against a node's self-signed certificate. */
public final class Tls {
    private Tls() {
    }

    /** A context of {@code protocol} that trusts any server certificate: tests only. */
    public static SSLContext trustingEverything(String protocol) {
        try {
            SSLContext context = SSLContext.getInstance(protocol);
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                    throw new UnsupportedOperationException("a client of tests has no clients");
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                    // The node under test made its certificate at start-up: any is accepted.
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
