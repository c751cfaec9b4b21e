package io.switchboard.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A browser test of {@code web/e2e} run by Node.js: Playwright driving headless Chromium
 * (Debian's at {@code /usr/bin/chromium}, or {@code CHROMIUM}); {@code .ci/run} installs both
 * and runs {@code npm ci --prefix web/e2e}. A script can ask the test for a step by printing
 * {@code STEP name} and waiting for {@code done} on its standard input. Its output is kept in
 * {@code target/<script>.log}.
 */
public final class BrowserScript implements AutoCloseable {
    private static final Path E2E = Path.of("..", "web", "e2e");
    private static final String END = "\u0000end";

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> steps = new LinkedBlockingQueue<>();
    private final List<String> output = new ArrayList<>();
    private final Thread reader;

    private BrowserScript(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(this::read, "browser-script-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code web/e2e/<script>} with {@code args}. */
    public static BrowserScript start(String script, String... args) {
        assertThat(E2E.resolve("node_modules").resolve("playwright-core"))
                .as("Playwright is installed: npm ci --prefix web/e2e (.ci/run does it)").exists();
        List<String> command = new ArrayList<>(List.of("node", E2E.resolve(script).toString()));
        command.addAll(List.of(args));
        try {
            return new BrowserScript(script, new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + script, e);
        }
    }

    /** Runs {@code web/e2e/<script>} to its end; it must exit 0. Answers its output. */
    public static String run(String script, String... args) {
        try (BrowserScript running = start(script, args)) {
            return running.finish(Duration.ofMinutes(2));
        }
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                synchronized (output) {
                    output.add(line);
                }
                if (line.startsWith("STEP ")) {
                    steps.add(line.substring(5).trim());
                }
            }
        } catch (IOException e) {
            synchronized (output) {
                output.add("(reading the script's output failed: " + e + ")");
            }
        } finally {
            steps.add(END);
        }
    }

    /** Waits for the script to ask for its next step, which must be {@code expected}. */
    public void awaitStep(String expected, Duration timeout) {
        String step;
        try {
            step = steps.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for step " + expected, e);
        }
        assertThat(step).as("the script asks for %s; its output:%n%s", expected, output()).isEqualTo(expected);
    }

    /** Tells the script its step is done. */
    public void done() {
        try {
            stdin.write("done\n");
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the script " + name + " is gone; its output:\n" + output(), e);
        }
    }

    /** Waits for the script to end, which must be with exit code 0; answers its output. */
    public String finish(Duration timeout) {
        try {
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            reader.join(TimeUnit.SECONDS.toMillis(10));
            String text = output();
            Files.writeString(Path.of("target", name.replace(".mjs", "") + ".log"), text);
            assertThat(ended).as("%s ended within %s; its output:%n%s", name, timeout, text).isTrue();
            assertThat(process.exitValue()).as("%s exit code; its output:%n%s", name, text).isZero();
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + name, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
