package io.switchboard.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time a Linux process has used, read from {@code /proc/PID/stat} (user + system). */
final class ProcessCpu {
    /** Clock ticks per second of /proc times; 100 on Linux for every common architecture. */
    private static final long TICKS_PER_SECOND = 100;

    private final Path stat;

    ProcessCpu(long pid) {
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
    }

    /** This process's own CPU time. */
    static ProcessCpu self() {
        return new ProcessCpu(ProcessHandle.current().pid());
    }

    /** User plus system CPU time so far, in nanoseconds. */
    long cpuNanos() throws IOException {
        String line = Files.readString(stat);
        // Fields after the command name, which is in parentheses and may hold spaces.
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }
}
