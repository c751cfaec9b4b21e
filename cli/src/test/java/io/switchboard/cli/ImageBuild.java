package io.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.cli.Dockerfile.Instruction;
import io.switchboard.cli.Dockerfile.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a Dockerfile's build does to the file system, done without a container engine: each
 * stage gets a directory for its root, WORKDIR and COPY (from the build context or from an
 * earlier stage) act on it, and the RUN commands of the stages before the last run with
 * {@code /bin/sh -c} in that directory, which is why they may use paths relative to their
 * WORKDIR only. The last stage's RUN commands (creating its user, which needs root) are not run.
 * The base images' own files are not there: a command of the image runs with this machine's
 * tools standing in for them. An instruction this does not know fails the build.
 */
final class ImageBuild {
    /** Slashes that start an absolute path in a shell command. */
    private static final Pattern ABSOLUTE_PATH = Pattern.compile("(^|[\\s\"'=<>(:;|&])/");

    /** The image: its file system under {@code root}, and what it runs. */
    record Image(Path root, Map<String, String> env, String workdir, List<String> entrypoint, List<String> cmd) {
        /** Where a path of the image is in the emulated file system. */
        Path file(String imagePath) {
            assertThat(imagePath).as("an absolute path of the image").startsWith("/");
            return root.resolve(imagePath.substring(1));
        }

        /** ENTRYPOINT followed by CMD: what {@code docker run IMAGE} runs. */
        List<String> command() {
            List<String> command = new ArrayList<>(entrypoint);
            command.addAll(cmd);
            return command;
        }
    }

    private ImageBuild() {
    }

    static Image build(Dockerfile dockerfile, Path context, DockerIgnore ignore, Path work)
            throws IOException, InterruptedException {
        List<String> contextFiles = ignore.context(context);
        Map<String, Path> roots = new HashMap<>();
        List<Stage> stages = dockerfile.stages();
        Image image = null;
        for (int n = 0; n < stages.size(); n++) {
            Stage stage = stages.get(n);
            boolean last = n == stages.size() - 1;
            Path root = Files.createDirectories(work.resolve("stage-" + n));
            String workdir = "/";
            Map<String, String> env = new LinkedHashMap<>();
            List<String> entrypoint = List.of();
            List<String> cmd = List.of();
            for (Instruction instruction : stage.instructions()) {
                switch (instruction.keyword()) {
                    case "WORKDIR" -> {
                        workdir = resolve(workdir, literal(instruction));
                        Files.createDirectories(in(root, workdir));
                    }
                    case "ENV" -> env.putAll(assignments(instruction));
                    case "COPY" -> copy(instruction, root, workdir, context, contextFiles, roots);
                    case "RUN" -> {
                        if (!last) {
                            run(instruction, in(root, workdir), env);
                        }
                    }
                    case "ENTRYPOINT" -> entrypoint = instruction.execForm().orElseThrow(
                            () -> new IllegalArgumentException(instruction + ": use the exec form"));
                    case "CMD" -> cmd = instruction.execForm().orElseThrow(
                            () -> new IllegalArgumentException(instruction + ": use the exec form"));
                    case "USER", "EXPOSE", "STOPSIGNAL", "HEALTHCHECK", "LABEL" -> literal(instruction);
                    default -> throw new IllegalArgumentException(instruction + ": not emulated here");
                }
            }
            if (stage.name() != null) {
                roots.put(stage.name(), root);
            }
            roots.put(Integer.toString(n), root);
            image = new Image(root, Map.copyOf(env), workdir, entrypoint, cmd);
        }
        return image;
    }

    private static String literal(Instruction instruction) {
        if (instruction.arguments().contains("$") && !instruction.keyword().equals("HEALTHCHECK")) {
            throw new IllegalArgumentException(instruction + ": variables are not emulated here");
        }
        return instruction.arguments().strip();
    }

    private static Map<String, String> assignments(Instruction instruction) {
        literal(instruction);
        Map<String, String> env = new LinkedHashMap<>();
        List<String> words = instruction.words();
        if (!words.isEmpty() && !words.get(0).contains("=")) {
            throw new IllegalArgumentException(instruction + ": use ENV NAME=VALUE");
        }
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(instruction + ": not NAME=VALUE: " + word);
            }
            env.put(word.substring(0, eq), word.substring(eq + 1));
        }
        return env;
    }

    private static void copy(Instruction instruction, Path root, String workdir, Path context,
            List<String> contextFiles, Map<String, Path> roots) throws IOException {
        literal(instruction);
        for (String flag : instruction.flags().keySet()) {
            if (!flag.equals("from") && !flag.equals("chown")) {
                throw new IllegalArgumentException(instruction + ": --" + flag + " is not emulated here");
            }
        }
        List<String> words = instruction.words();
        if (words.size() < 2) {
            throw new IllegalArgumentException(instruction + ": expected COPY SOURCE... DEST");
        }
        String destination = words.get(words.size() - 1);
        List<String> sources = words.subList(0, words.size() - 1);
        boolean intoDirectory = destination.endsWith("/") || sources.size() > 1;
        Path target = in(root, resolve(workdir, destination));
        String from = instruction.flags().get("from");
        if (from != null) {
            Path stageRoot = roots.get(from);
            if (stageRoot == null) {
                throw new IllegalArgumentException(instruction + ": no earlier stage " + from);
            }
            for (String source : sources) {
                Path file = in(stageRoot, source);
                if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IllegalArgumentException(instruction + ": stage " + from + " has no " + source);
                }
                if (Files.isDirectory(file)) {
                    copyTree(file, target);
                } else {
                    copyFile(file, intoDirectory ? target.resolve(file.getFileName().toString()) : target);
                }
            }
            return;
        }
        for (String source : sources) {
            boolean matched = false;
            for (String file : contextFiles) {
                Optional<String> through = DockerIgnore.matchedAncestor(source, file);
                if (through.isEmpty()) {
                    continue;
                }
                matched = true;
                Path sourceFile = context.resolve(file);
                if (through.get().equals(file)) {
                    // The pattern names the file itself.
                    boolean many = intoDirectory || DockerIgnore.clean(source).matches(".*[*?\\[].*");
                    copyFile(sourceFile, many ? target.resolve(sourceFile.getFileName().toString()) : target);
                } else {
                    // The file is under a directory the pattern names: copied below the destination.
                    copyFile(sourceFile, target.resolve(file.substring(through.get().length() + 1)));
                }
            }
            if (!matched) {
                throw new IllegalArgumentException(instruction + ": " + source
                        + " names nothing in the build context (after .dockerignore)");
            }
        }
    }

    private static void run(Instruction instruction, Path dir, Map<String, String> env)
            throws IOException, InterruptedException {
        if (instruction.execForm().isPresent()) {
            throw new IllegalArgumentException(instruction + ": the exec form of RUN is not emulated here");
        }
        String script = instruction.arguments();
        assertThat(ABSOLUTE_PATH.matcher(script).find())
                .as("%s: an absolute path, which this emulation would take on this machine; use paths relative "
                        + "to WORKDIR", instruction).isFalse();
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", script).directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).as("%s ends", instruction).isTrue();
        assertThat(process.exitValue()).as("%s exit status; output:%n%s", instruction, output).isZero();
    }

    /** {@code path} (absolute, or relative to {@code workdir}) as an absolute path of the image. */
    private static String resolve(String workdir, String path) {
        String absolute = path.startsWith("/") ? path : workdir + (workdir.endsWith("/") ? "" : "/") + path;
        String normal = Path.of(absolute).normalize().toString();
        return path.endsWith("/") && !normal.endsWith("/") ? normal + "/" : normal;
    }

    private static Path in(Path root, String imagePath) {
        Path file = root.resolve(Path.of("/").relativize(Path.of("/", imagePath)).normalize().toString());
        assertThat(file.normalize().startsWith(root)).as("%s stays in the image", imagePath).isTrue();
        return file;
    }

    private static void copyFile(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING,
                LinkOption.NOFOLLOW_LINKS);
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(to);
                } else {
                    copyFile(file, to);
                }
            }
        }
    }
}
