package io.switchboard.tools.probe;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.switchboard.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProbeIT {
    private static final char[] PASSWORD = "probe-test".toCharArray();
    private static final byte[] FIXED_BODY = "a body of a length known in advance\n".getBytes(UTF_8);
    private static final List<byte[]> CHUNKS = List.of(
            "first chunk\n".getBytes(UTF_8), "x".repeat(5000).getBytes(UTF_8), "last chunk\n".getBytes(UTF_8));
    private static final List<String> CLEAR_PHASES = List.of("dns", "connect", "send", "first_byte", "transfer", "total");
    private static final List<String> TLS_PHASES =
            List.of("dns", "connect", "tls", "send", "first_byte", "transfer", "total");

    @TempDir
    static Path dir;

    private static HttpServer http;
    private static HttpsServer https;

    @BeforeAll
    static void startServers() throws Exception {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        serveBodies(http);
        http.start();
        https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(selfSignedContext(dir)));
        serveBodies(https);
        https.start();
    }

    @AfterAll
    static void stopServers() {
        http.stop(0);
        https.stop(0);
    }

    @Test
    void timesAResponseWithAContentLengthPhaseByPhase() throws Exception {
        Result result = probe(httpUrl("/fixed"), "--json");

        assertThat(result.exit()).as(result.err()).isZero();
        JsonNode report = result.json();
        assertThat(names(report.path("phases"))).containsExactlyElementsOf(CLEAR_PHASES);
        assertThat(report.path("tls").isNull()).isTrue();
        assertThat(report.path("status").asInt()).isEqualTo(200);
        assertThat(report.path("body_bytes").asLong()).isEqualTo(FIXED_BODY.length);
        assertThat(report.path("bytes_received").asLong()).isGreaterThan(FIXED_BODY.length);
        assertThat(report.path("runs").asInt()).isEqualTo(1);
        assertThat(report.path("failure").isNull()).isTrue();
        assertThat(report.path("samples")).hasSize(1);
        assertPhasesAddUp(report, CLEAR_PHASES);
    }

    @Test
    void decodesAChunkedResponseAndSpreadsFiveRuns() throws Exception {
        Result result = probe(httpUrl("/chunked"), "-n", "5", "--json");

        assertThat(result.exit()).as(result.err()).isZero();
        JsonNode report = result.json();
        assertThat(report.path("status").asInt()).isEqualTo(200);
        assertThat(report.path("body_bytes").asLong()).isEqualTo(CHUNKS.stream().mapToLong(c -> c.length).sum());
        assertThat(report.path("runs").asInt()).isEqualTo(5);
        assertThat(report.path("samples")).hasSize(5);
        assertPhasesAddUp(report, CLEAR_PHASES);
        for (String phase : CLEAR_PHASES) {
            JsonNode spread = report.path("phases").path(phase);
            assertThat(spread.path("min_ms").asDouble()).as(phase)
                    .isLessThanOrEqualTo(spread.path("median_ms").asDouble());
            assertThat(spread.path("median_ms").asDouble()).as(phase)
                    .isLessThanOrEqualTo(spread.path("p90_ms").asDouble());
        }
    }

    @Test
    void printsOneLinePerPhaseAsATable() {
        Result one = probe(httpUrl("/fixed"));
        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(one.out()).contains("status      200").containsPattern("(?m)^first_byte +\\d+\\.\\d{3} ms$")
                .containsPattern("(?m)^total +\\d+\\.\\d{3} ms$");

        Result three = probe(httpUrl("/fixed"), "-n", "3");
        assertThat(three.exit()).as(three.err()).isZero();
        assertThat(three.out()).contains("median ms").contains("3 of 3 runs completed")
                .containsPattern("(?m)^transfer +\\d+\\.\\d{3} +\\d+\\.\\d{3} +\\d+\\.\\d{3}$");
    }

    @Test
    void timesTheTlsHandshakeWithASelfSignedServerWhenInsecure() throws Exception {
        Result result = probe(httpsUrl("/fixed"), "--insecure", "--json");

        assertThat(result.exit()).as(result.err()).isZero();
        JsonNode report = result.json();
        assertThat(names(report.path("phases"))).containsExactlyElementsOf(TLS_PHASES);
        assertThat(report.path("tls").path("version").asText()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(report.path("tls").path("cipher").asText()).isNotBlank();
        assertThat(report.path("status").asInt()).isEqualTo(200);
        assertThat(report.path("body_bytes").asLong()).isEqualTo(FIXED_BODY.length);
        assertPhasesAddUp(report, TLS_PHASES);
    }

    @Test
    void refusesASelfSignedCertificateInTheTlsPhaseByDefault() throws Exception {
        Result result = probe(httpsUrl("/fixed"), "--json");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains("failed in the tls phase").contains("SSLHandshakeException");
        JsonNode failure = result.json().path("failure");
        assertThat(failure.path("run").asInt()).isEqualTo(1);
        assertThat(failure.path("phase").asText()).isEqualTo("tls");
        assertThat(result.json().path("samples")).isEmpty();
    }

    @Test
    void timesAWebSocketUpgradeUpToTheEndOfThe101() throws Exception {
        try (ServerSocket server = listen()) {
            CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> answerUpgrade(server, true));
            Result result = probe("ws://127.0.0.1:" + server.getLocalPort() + "/ws/alice?room=a", "--json");

            assertThat(result.exit()).as(result.err()).isZero();
            JsonNode report = result.json();
            assertThat(report.path("status").asInt()).isEqualTo(101);
            assertThat(report.path("tls").isNull()).isTrue();
            assertPhasesAddUp(report, CLEAR_PHASES);
            assertThat(request.get(10, TimeUnit.SECONDS))
                    .startsWith("GET /ws/alice?room=a HTTP/1.1\r\n")
                    .contains("Host: 127.0.0.1:" + server.getLocalPort() + "\r\n")
                    .contains("Upgrade: websocket\r\n", "Connection: Upgrade\r\n", "Sec-WebSocket-Version: 13\r\n");
        }
    }

    @Test
    void failsAWebSocketUpgradeWhoseAcceptDoesNotAnswerTheKey() throws Exception {
        try (ServerSocket server = listen()) {
            CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> answerUpgrade(server, false));
            Result result = probe("ws://127.0.0.1:" + server.getLocalPort() + "/ws/bob");

            assertThat(result.exit()).isEqualTo(1);
            assertThat(result.err()).contains("failed in the transfer phase").contains("Sec-WebSocket-Accept");
            assertThat(request.get(10, TimeUnit.SECONDS)).startsWith("GET /ws/bob HTTP/1.1\r\n");
        }
    }

    @Test
    void namesTheConnectPhaseWhenTheConnectionIsRefused() throws IOException {
        int port;
        try (ServerSocket closed = listen()) {
            port = closed.getLocalPort();
        }
        Result result = probe("http://127.0.0.1:" + port + "/");

        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains("failed in the connect phase").contains("ConnectException");
    }

    @Test
    void rejectsABadUrlOrCountAsAUsageError() {
        Result ftp = probe("ftp://x");
        assertThat(ftp.exit()).isEqualTo(2);
        assertThat(ftp.err()).contains("scheme must be http, https, ws or wss");

        assertThat(probe("http://").exit()).isEqualTo(2);
        assertThat(probe("http://127.0.0.1:1/", "-n", "0").exit()).isEqualTo(2);
    }

    private static void assertPhasesAddUp(JsonNode report, List<String> phases) {
        for (JsonNode sample : report.path("samples")) {
            assertThat(names(sample)).containsExactlyElementsOf(phases);
            double sum = 0;
            for (String phase : phases.subList(0, phases.size() - 1)) {
                assertThat(sample.path(phase).asDouble()).as(phase).isGreaterThanOrEqualTo(0);
                sum += sample.path(phase).asDouble();
            }
            assertThat(sum).as(sample.toString()).isCloseTo(sample.path("total").asDouble(), within(0.01));
        }
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private record Result(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return Json.mapper().readTree(out);
        }
    }

    private static Result probe(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new ProbeCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static String httpUrl(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    private static String httpsUrl(String path) {
        return "https://127.0.0.1:" + https.getAddress().getPort() + path;
    }

    private static void serveBodies(HttpServer server) {
        server.createContext("/fixed", exchange -> {
            exchange.sendResponseHeaders(200, FIXED_BODY.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(FIXED_BODY);
            }
        });
        server.createContext("/chunked", ProbeIT::chunked);
    }

    private static void chunked(HttpExchange exchange) throws IOException {
        // A length of 0 makes the server send the body chunked; each flush ends a chunk.
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (byte[] chunk : CHUNKS) {
                out.write(chunk);
                out.flush();
            }
        }
    }

    private static ServerSocket listen() throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        server.setSoTimeout(10_000);
        return server;
    }

    /** Accepts one connection, answers its upgrade request with a 101, and returns the request. */
    private static String answerUpgrade(ServerSocket server, boolean correctAccept) {
        try (Socket socket = server.accept()) {
            socket.setSoTimeout(10_000);
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), ISO_8859_1));
            StringBuilder request = new StringBuilder();
            String key = null;
            for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
                request.append(line).append("\r\n");
                if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
                    key = line.substring(18).trim();
                }
            }
            assertThat(key).isNotNull();
            assertThat(Base64.getDecoder().decode(key)).hasSize(16);
            String accept = correctAccept ? accept(key) : accept(key + "x");
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(US_ASCII));
            out.flush();
            // The probe closes the connection once it has the response.
            InputStream in = socket.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            return request.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A TLS context with a fresh self-signed certificate for 127.0.0.1, made by the JDK's keytool. */
    private static SSLContext selfSignedContext(Path dir) throws Exception {
        Path store = dir.resolve("self-signed.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "probe",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }
}
