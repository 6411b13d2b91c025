package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.uring.core.Opcode;
import dev.uring.core.RegisterOp;
import dev.uring.core.SqeFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyProfilesTest {
    @TempDir
    Path dir;

    @Test
    void builtInProfilesParseAndSayWhatTheirNamesPromise() {
        assertThat(PolicyProfiles.builtInNames()).containsExactly("read-only-files", "network-client", "no-network");
        RingPolicy ro = PolicyProfiles.builtIn("read-only-files");
        assertThat(ro.permits(Opcode.READ)).isTrue();
        assertThat(ro.permits(Opcode.WRITE)).isFalse();
        assertThat(ro.permits(Opcode.SOCKET)).isFalse();
        assertThat(ro.filters()).contains(new ArgumentFilter.Open(false, false, null, false));
        RingPolicy client = PolicyProfiles.builtIn("network-client");
        assertThat(client.permits(Opcode.CONNECT)).isTrue();
        assertThat(client.permits(Opcode.ACCEPT)).isFalse();
        assertThat(client.permits(Opcode.OPENAT)).isFalse();
        RingPolicy none = PolicyProfiles.builtIn("no-network");
        assertThat(none.permits(Opcode.SOCKET)).isFalse();
        assertThat(none.permits(Opcode.OPENAT)).isTrue();
        assertThat(none.permits(RegisterOp.BUFFERS)).isTrue();
        assertThat(none.sqeFlagsAllowed()).isEqualTo(SqeFlags.ALL);
        assertThatThrownBy(() -> PolicyProfiles.builtIn("nope")).hasMessageContaining("nope");
    }

    @Test
    void formatThenParseGivesTheSamePolicy() throws Exception {
        for (String name : PolicyProfiles.builtInNames()) {
            RingPolicy p = PolicyProfiles.builtIn(name);
            assertThat(PolicyProfiles.parse(PolicyProfiles.format(p), name)).isEqualTo(p);
        }
        RingPolicy mixed = RingPolicy.builder("mixed").allow(Opcode.NOP, Opcode.OPENAT).requireFlags(SqeFlags.ASYNC)
                .filter(new ArgumentFilter.Open(true, false, dir, true))
                .filter(new ArgumentFilter.MaxLength(java.util.Set.of(Opcode.READ, Opcode.WRITE), 65536))
                .filter(new ArgumentFilter.Connect(java.util.List.of(ArgumentFilter.Destination.unix(),
                        ArgumentFilter.Destination.inet(java.net.InetAddress.getByName("::1"), 128, 80, 443))))
                .build();
        Path file = Files.writeString(dir.resolve("p.policy"), PolicyProfiles.format(mixed));
        assertThat(PolicyProfiles.load(file)).isEqualTo(mixed);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "name x|1|first line must be",
        "uring-policy 2|1|unsupported format version",
        "uring-policy 1\\nname a\\nname b|3|name given twice",
        "uring-policy 1\\n# c\\n\\nallow-opz READ|4|unknown field 'allow-opz'",
        "uring-policy 1\\nname a\\nallow-ops READ FROB|3|unknown op 'FROB'",
        "uring-policy 1\\nname a\\nallow-register-ops NOPE|3|unknown register op 'NOPE'",
        "uring-policy 1\\nname a\\nallow-sqe-flags LINK|3|unknown SQE flag 'LINK'",
        "uring-policy 1\\nname a\\nsocket family=AF_INET colour=red|3|unknown key 'colour'",
        "uring-policy 1\\nname a\\nsocket type=SOCK_STREAM,99|3|not a base type",
        "uring-policy 1\\nname a\\nsocket family=AF_BOGUS|3|bad family 'AF_BOGUS'",
        "uring-policy 1\\nname a\\nsocket family|3|expected key=value",
        "uring-policy 1\\nname a\\nconnect 10.0.0.0/33:80|3|prefix length 33",
        "uring-policy 1\\nname a\\nconnect 10.0.0.0/8:80-70|3|port range 80-70",
        "uring-policy 1\\nname a\\nconnect example.com/8:80|3|not a numeric address",
        "uring-policy 1\\nname a\\nconnect ::1/128:80|3|brackets",
        "uring-policy 1\\nname a\\nopen write=maybe|3|write must be true or false",
        "uring-policy 1\\nname a\\nopen root=relative/dir|3|root must be an absolute path",
        "uring-policy 1\\nname a\\nopen write=false write=true|3|given twice",
        "uring-policy 1\\nname a\\nmax-length ops=READ|3|needs ops= and max=",
        "uring-policy 1\\nname a\\nmax-length ops=READ max=-1|3|out of 0..4294967295",
        "uring-policy 1\\nallow-ops READ|2|no 'name' line",
        "''|1|empty profile",
        "uring-policy 1\\nname a\\nuring-policy 1|3|only once",
    })
    void malformedProfilesAreRefusedWithLineAndReason(String text, int line, String reason) {
        ProfileFormatException e = catchThrowableOfType(ProfileFormatException.class,
                () -> PolicyProfiles.parse(text.replace("\\n", "\n"), "test.policy"));
        assertThat(e).as(text).isNotNull();
        assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
        assertThat(e.reason()).as(e.getMessage()).contains(reason);
        assertThat(e.getMessage()).startsWith("test.policy:" + line + ": ");
    }
}
