package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the packaged jar as its own process, as an operator would, and stops it with signals. */
class ServeProcessIT {
    private NodeProcess node;

    @AfterEach
    void killLeftovers() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void servesOnAFreePortAndStopsCleanlyOnSigterm() throws Exception {
        node = NodeProcess.launch("serve", "--host", "127.0.0.1", "--port", "0", "--node-id", "cli-test");
        int port = node.awaitPort();
        assertThat(node.output()).anyMatch(line -> line.contains("INSECURE MODE"));
        assertThat(node.output()).anyMatch(line -> line.contains("node cli-test listening on 127.0.0.1:" + port));
        assertThat(get(port, "/healthz")).isEqualTo(200);
        assertThat(get(port, "/readyz")).isEqualTo(200);

        node.process().destroy(); // SIGTERM
        assertThat(node.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(node.process().exitValue()).isZero();
    }

    @Test
    void stopsCleanlyOnCtrlC() throws Exception {
        node = NodeProcess.launch("serve", "--host", "127.0.0.1", "--port", "0");
        node.awaitPort();
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(node.process().pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(node.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(node.process().exitValue()).isZero();
        assertThat(node.outputAfterExit()).anyMatch(line -> line.contains("stopped"));
    }

    @Test
    void anInvalidSettingStopsStartUpNamingIt() throws Exception {
        node = NodeProcess.launch("serve", "--port", "70000");
        assertThat(node.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(node.process().exitValue()).isEqualTo(2);
        assertThat(node.outputAfterExit()).anyMatch(line -> line.contains("invalid setting 'port'"));
    }

    @Test
    void anUnreachableRedisStopsStartUpNamingIt() throws Exception {
        node = NodeProcess.launch("serve", "--port", "0", "--redis", "redis://127.0.0.1:1");
        assertThat(node.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(node.process().exitValue()).isEqualTo(1);
        assertThat(node.outputAfterExit()).anyMatch(line -> line.contains("cannot connect to Redis at redis://127.0.0.1:1"));
    }

    @Test
    void servesTlsWithAPemCertificateAndKey(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path cert = dir.resolve("cert.pem");
        java.nio.file.Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(new String(openssl.getInputStream().readAllBytes())).isZero();

        node = NodeProcess.launch("serve", "--host", "127.0.0.1", "--port", "0",
                "--tls-cert", cert.toString(), "--tls-key", key.toString());
        int port = node.awaitPort();
        assertThat(node.output()).anyMatch(line -> line.contains("TLS: h2, http/1.1"));
        Process curl = new ProcessBuilder("curl", "-s", "--cacert", cert.toString(), "-o", "/dev/null",
                "-w", "%{http_version} %{http_code}", "https://127.0.0.1:" + port + "/healthz")
                .redirectErrorStream(true).start();
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(curl.getInputStream().readAllBytes()).trim()).isEqualTo("2 200");
    }

    @Test
    void aMissingCertificateStopsStartUpNamingIt() throws Exception {
        node = NodeProcess.launch("serve", "--port", "0", "--tls-cert", "/nonexistent/cert.pem",
                "--tls-key", "/nonexistent/key.pem");
        assertThat(node.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(node.process().exitValue()).isEqualTo(2);
        assertThat(node.outputAfterExit()).anyMatch(line -> line.contains("invalid setting 'tls.cert'"));
    }

    static int get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<Void> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding());
        return response.statusCode();
    }
}
