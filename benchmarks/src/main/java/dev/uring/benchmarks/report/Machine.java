package dev.uring.benchmarks.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The machine a run was taken on, as the report describes it: CPU, cores, memory, kernel, JDK. */
record Machine(String cpu, int cores, String memory, String kernel, String jdk) {

    /** Describes this machine and the JDK running the report (the one bench-lib.sh chose). */
    static Machine current() {
        String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name");
        String mem = firstValue(Path.of("/proc/meminfo"), "MemTotal");
        String memory = mem.endsWith(" kB")
                ? String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(mem.replace(" kB", "").trim()) / 1048576.0)
                : mem;
        String kernel = read(Path.of("/proc/sys/kernel/osrelease"));
        String jdk = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.name")
                + " " + System.getProperty("java.runtime.version");
        return new Machine(cpu, Runtime.getRuntime().availableProcessors(), memory, "Linux " + kernel, jdk);
    }

    private static String firstValue(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                    return line.substring(colon + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
