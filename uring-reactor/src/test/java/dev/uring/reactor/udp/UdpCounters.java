package dev.uring.reactor.udp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The kernel's UDP counters from /proc/net/snmp, to tell a datagram the kernel dropped from one we lost. */
final class UdpCounters {
    private UdpCounters() {
    }

    /** Datagrams dropped for a full socket receive buffer (every socket of this namespace); -1 if unreadable. */
    static long receiveBufferErrors() {
        try {
            List<String> udp = Files.readAllLines(Path.of("/proc/net/snmp")).stream()
                    .filter(l -> l.startsWith("Udp: ")).toList();
            List<String> names = Arrays.asList(udp.get(0).split(" "));
            return Long.parseLong(udp.get(1).split(" ")[names.indexOf("RcvbufErrors")]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
