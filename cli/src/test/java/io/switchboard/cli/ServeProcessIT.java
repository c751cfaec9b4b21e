package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
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

        node.terminate(); // SIGTERM
        assertThat(node.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(node.process().exitValue()).isZero();
        assertThat(node.outputAfterExit()).as("it drained and said so").anyMatch(line -> line.contains("node cli-test stopped"));
    }

    @Test
    void stopsCleanlyOnCtrlC() throws Exception {
        // A process started in the background by a non-interactive shell has SIGINT ignored, and
        // so have its children: a JVM cannot handle a signal ignored when it started.
        org.junit.jupiter.api.Assumptions.assumeFalse(sigintIgnored(),
                "SIGINT is ignored in this environment (inherited), so no process started from here can get Ctrl-C");
        node = NodeProcess.launch("serve", "--host", "127.0.0.1", "--port", "0");
        node.awaitPort();
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(node.process().pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        node.assertExitsWithin(20);
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
    void aTakenPortStopsStartUpWithOneLineNamingThePortAndItsFlag() throws Exception {
        for (String flag : List.of("--port", "--grpc-port")) {
            try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
                String port = Integer.toString(taken.getLocalPort());
                List<String> args = new java.util.ArrayList<>(List.of("serve", "--host", "127.0.0.1", "--port", "0",
                        "--grpc-port", "0"));
                args.set(args.indexOf(flag) + 1, port);
                node = NodeProcess.launch(args.toArray(String[]::new));
                assertThat(node.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(node.process().exitValue()).as(flag).isEqualTo(1);
                List<String> output = node.outputAfterExit();
                assertThat(output).as(flag).anyMatch(line -> line.contains("127.0.0.1:" + port + " is already in use")
                        && line.contains(flag));
                assertThat(output).as("no stack trace").noneMatch(line -> line.startsWith("\tat ")
                        || line.contains("Exception"));
                node.close();
                node = null;
            }
        }
    }

    @Test
    void malformedRequestsAndAResetFloodAreAnsweredWithoutStackTracesInTheLog() throws Exception {
        node = NodeProcess.launch("serve", "--host", "127.0.0.1", "--port", "0");
        int port = node.awaitPort();
        for (String target : List.of("/api/v1/rooms/%ZZ/history", "/poll?session=%G1", "/ws/a%2")) {
            String response = rawHttp1(port, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(response).as(target).startsWith("HTTP/1.1 400").contains("application/problem+json")
                    .contains("malformed request target");
        }
        resetFlood(port, 2_000);
        resetFlood(port, 2_000);
        assertThat(get(port, "/healthz")).isEqualTo(200);

        node.terminate();
        assertThat(node.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        List<String> output = node.outputAfterExit();
        assertThat(output).as("no stack traces").noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception:"));
        assertThat(output.stream().filter(line -> line.contains("WARN")).count()).as(String.join("\n", output))
                .isLessThanOrEqualTo(3);
    }

    /** Whether this process ignores SIGINT (bit 2 of {@code SigIgn} in {@code /proc/self/status}). */
    private static boolean sigintIgnored() throws IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
            }
        }
        return false;
    }

    /** Sends {@code request} as it is over a fresh connection and returns all that comes back. */
    private static String rawHttp1(int port, String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * HTTP/2 in clear text: opens {@code streams} streams (GET /healthz) and resets each at once,
     * the "rapid reset" pattern; the server may give up on the connection part way.
     */
    private static void resetFlood(int port, int streams) throws IOException {
        java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
        frames.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        frames.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // SETTINGS, empty
        // :method GET, :scheme http, :path / (HPACK static table), :authority x (literal).
        byte[] headers = {(byte) 0x82, (byte) 0x86, (byte) 0x84, 0x41, 0x01, 'x'};
        for (int i = 0; i < streams; i++) {
            int stream = 2 * i + 1;
            frames.write(new byte[] {0, 0, (byte) headers.length, 1, 0x4, (byte) (stream >>> 24), (byte) (stream >>> 16),
                    (byte) (stream >>> 8), (byte) stream});
            frames.write(headers);
            frames.write(new byte[] {0, 0, 4, 3, 0, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8),
                    (byte) stream, 0, 0, 0, 8}); // RST_STREAM, CANCEL
        }
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            try {
                socket.getOutputStream().write(frames.toByteArray());
                socket.shutdownOutput();
            } catch (java.net.SocketException closedByServer) {
                // The server closed the connection before taking all of it: what a flood may get.
                return;
            }
            socket.getInputStream().readAllBytes();
        } catch (java.net.SocketException closedByServer) {
            // Reset while reading: the server gave up on the connection, as it may.
            return;
        }
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
