package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the packaged jar as its own process, as an operator would, and stops it with signals. */
class ServeProcessIT {
    private static final Path JAR = Path.of("target", "switchboard.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    private final List<String> output = new ArrayList<>();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private Process process;
    private Thread reader;

    @AfterEach
    void killLeftovers() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void servesOnAFreePortAndStopsCleanlyOnSigterm() throws Exception {
        int port = start("serve", "--host", "127.0.0.1", "--port", "0", "--node-id", "cli-test");
        assertThat(output).anyMatch(line -> line.contains("INSECURE MODE"));
        assertThat(output).anyMatch(line -> line.contains("node cli-test listening on"));
        assertThat(get(port, "/healthz")).isEqualTo(200);
        assertThat(get(port, "/readyz")).isEqualTo(200);

        process.destroy(); // SIGTERM
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }

    @Test
    void stopsCleanlyOnCtrlC() throws Exception {
        start("serve", "--host", "127.0.0.1", "--port", "0");
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        assertThat(drain()).anyMatch(line -> line.contains("stopped"));
    }

    @Test
    void anInvalidSettingStopsStartUpNamingIt() throws Exception {
        launch("serve", "--port", "70000");
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(drain()).anyMatch(line -> line.contains("invalid setting 'port'"));
    }

    private int start(String... args) throws Exception {
        launch(args);
        while (true) {
            String line = lines.poll(30, TimeUnit.SECONDS);
            assertThat(line).as("a 'listening on' line; so far: %s", output).isNotNull();
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
    }

    private void launch(String... args) throws IOException {
        assertThat(Files.exists(JAR)).as("%s is built by the package phase", JAR).isTrue();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        output.add(line);
                    }
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("output closed: " + e);
            }
        }, "serve-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Everything the process printed, once it has exited and its output is read to the end. */
    private List<String> drain() throws InterruptedException {
        process.waitFor(20, TimeUnit.SECONDS);
        reader.join(TimeUnit.SECONDS.toMillis(10));
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    private static int get(int port, String path) throws IOException, InterruptedException {
        HttpResponse<Void> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding());
        return response.statusCode();
    }
}
