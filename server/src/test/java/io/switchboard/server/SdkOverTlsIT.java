package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.switchboard.client.SwitchboardClient;
import io.switchboard.server.testing.Recorder;
import io.switchboard.server.testing.TestNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java SDK over TLS: {@code wss://} and {@code grpcs://} against a node with a certificate
 * for {@code localhost} only, made by openssl for the test. Trusting it, both chat; without
 * trusting it, or asking for a name it does not cover, the TLS handshake is refused.
 */
class SdkOverTlsIT {
    @TempDir
    static Path dir;
    private static Path cert;
    private static Path key;

    private TestNode node;
    private final List<SwitchboardClient> clients = new ArrayList<>();

    @BeforeAll
    static void certificate() throws Exception {
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(new String(openssl.getInputStream().readAllBytes())).isZero();
    }

    @BeforeEach
    void start() {
        node = new TestNode(b -> b.tls(cert, key));
        node.start();
    }

    @AfterEach
    void stop() {
        clients.forEach(SwitchboardClient::abort);
        node.stop();
    }

    private SwitchboardClient client(String uri, Recorder recorder, Consumer<SwitchboardClient.Builder> options) {
        SwitchboardClient.Builder builder = SwitchboardClient.builder(URI.create(uri)).listener(recorder)
                .reconnect(false).connectTimeout(Duration.ofSeconds(5));
        options.accept(builder);
        SwitchboardClient client = builder.build();
        clients.add(client);
        return client;
    }

    private String wss(String host, String user) {
        return "wss://" + host + ":" + node.port() + "/ws/" + user;
    }

    private String grpcs(String host, String user) {
        return "grpcs://" + host + ":" + node.server().grpcPort() + "/" + user;
    }

    @Test
    void wssAndGrpcsClientsChatWhenTheyTrustTheServersCertificate() {
        Recorder aliceSees = new Recorder();
        Recorder bobSees = new Recorder();
        SwitchboardClient alice = client(wss("localhost", "alice"), aliceSees, b -> b.trustCertificates(cert));
        SwitchboardClient bob = client(grpcs("localhost", "bob"), bobSees, b -> b.trustCertificates(cert));
        assertThat(alice.connect().orTimeout(10, TimeUnit.SECONDS).join().userId()).isEqualTo("alice");
        assertThat(bob.connect().orTimeout(10, TimeUnit.SECONDS).join().userId()).isEqualTo("bob");
        alice.join("lobby").orTimeout(10, TimeUnit.SECONDS).join();
        bob.join("lobby").orTimeout(10, TimeUnit.SECONDS).join();
        alice.publish("lobby", "over wss").orTimeout(10, TimeUnit.SECONDS).join();
        bob.publish("lobby", "over grpcs").orTimeout(10, TimeUnit.SECONDS).join();
        for (Recorder sees : List.of(aliceSees, bobSees)) {
            assertThat(sees.awaitMessages("lobby", 2)).extracting(m -> m.content().asText())
                    .containsExactly("over wss", "over grpcs");
        }
        bob.sendDirect("alice", "psst").orTimeout(10, TimeUnit.SECONDS).join();
        Recorder.until(() -> !aliceSees.directMessages().isEmpty());
        alice.close();
        assertThat(alice.closedFuture().orTimeout(10, TimeUnit.SECONDS).join().code()).isEqualTo(1000);
    }

    @Test
    void aCertificateTheClientDoesNotTrustIsRefused() {
        // The JDK's trust store does not know the test's certificate.
        assertRefusedByTls(client(wss("localhost", "alice"), new Recorder(), b -> { }), "PKIX path building failed");
        assertRefusedByTls(client(grpcs("localhost", "bob"), new Recorder(), b -> { }), "PKIX path building failed");
        assertThat(node.hubStats().sessions()).isZero();
    }

    @Test
    void aNameTheCertificateDoesNotCoverIsRefusedEvenWhenTrusted() {
        // The certificate is for localhost; 127.0.0.1 is the same server under another name.
        assertRefusedByTls(client(wss("127.0.0.1", "alice"), new Recorder(), b -> b.trustCertificates(cert)),
                "No subject alternative names");
        assertRefusedByTls(client(grpcs("127.0.0.1", "bob"), new Recorder(), b -> b.trustCertificates(cert)),
                "No subject alternative names");
        assertThat(node.hubStats().sessions()).isZero();
    }

    /** {@code connect()} fails, for a TLS handshake the client refused with {@code why}. */
    private static void assertRefusedByTls(SwitchboardClient client, String why) {
        Throwable failure = catchThrowable(() -> client.connect().orTimeout(10, TimeUnit.SECONDS).join());
        assertThat(failure).isInstanceOf(CompletionException.class);
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        assertThat(chain).as("causes of %s", failure).anyMatch(t -> t instanceof SSLHandshakeException);
        assertThat(failure).hasStackTraceContaining(why);
    }

    @Test
    void aFileWithoutCertificatesIsRefusedWhenTheClientIsBuilt() {
        assertThatThrownBy(() -> SwitchboardClient.builder(URI.create(wss("localhost", "alice")))
                .trustCertificates(key).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key.toString());
    }
}
