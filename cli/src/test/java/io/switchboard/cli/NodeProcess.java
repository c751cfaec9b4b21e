package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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

/** The packaged jar (or another command) running as a process of its own, with its output collected. */
final class NodeProcess implements AutoCloseable {
    private static final Path JAR = Path.of("target", "switchboard.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on [0-9.]+:(\\d+)");

    private final Process process;
    private final Thread reader;
    private final List<String> output = new ArrayList<>();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private NodeProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "node-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Runs {@code switchboard ARGS...} from the packaged jar. */
    static NodeProcess launch(String... args) throws IOException {
        return start(new ProcessBuilder(command(args)));
    }

    /** The command line that runs {@code switchboard ARGS...} from the packaged jar. */
    static List<String> command(String... args) {
        assertThat(Files.exists(JAR)).as("%s is built by the package phase", JAR).isTrue();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        if (args.length > 0 && args[0].equals("serve") && !command.contains("--grpc-port")) {
            // Several nodes run side by side in these tests: none may take the default gRPC port.
            command.addAll(List.of("--grpc-port", "0"));
        }
        return command;
    }

    /** Starts any command (its environment, directory and so on set on {@code builder}), stderr merged into stdout. */
    static NodeProcess start(ProcessBuilder builder) throws IOException {
        return new NodeProcess(builder.redirectErrorStream(true).start());
    }

    /** Waits for the "listening on HOST:PORT" line and returns the port. */
    int awaitPort() throws InterruptedException {
        while (true) {
            String line = lines.poll(30, TimeUnit.SECONDS);
            assertThat(line).as("a 'listening on' line; so far: %s", output()).isNotNull();
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
    }

    Process process() {
        return process;
    }

    /** Everything printed so far. */
    List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    /**
     * Waits up to {@code seconds} for the process to exit; if it does not, fails with what it
     * printed and where its threads are (a thread dump), so that a stop that hangs can be told
     * apart from a slow one.
     */
    void assertExitsWithin(int seconds) throws InterruptedException, java.io.IOException {
        if (process.waitFor(seconds, TimeUnit.SECONDS)) {
            return;
        }
        Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
        String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        dump.waitFor(20, TimeUnit.SECONDS);
        throw new AssertionError("node did not exit within " + seconds + " s; it printed:\n"
                + String.join("\n", output()) + "\nits threads:\n" + threads);
    }

    /**
     * Sends SIGTERM, as a service manager stops the node. Not {@link Process#destroy()}: that
     * also closes the process's output, and the lines it prints while it stops would be lost.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Everything printed, once the process has exited and its output is read to the end. */
    List<String> outputAfterExit() throws InterruptedException {
        process.waitFor(20, TimeUnit.SECONDS);
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return output();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private void read() {
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
    }
}
