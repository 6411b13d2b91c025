package dev.uring.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The policy profile parser fuzzed: random text, random lines made of the format's own words with
 * bad values, and mutations of valid profiles (built-in and formatted random policies) either parse
 * or fail with a {@link ProfileFormatException} that names a line of the text and a reason; nothing
 * else escapes and no parse takes long. Formatting a random policy and parsing it back gives a
 * policy with the same decisions.
 */
class ProfileFuzzTest {
    private static final AtomicLong INPUTS = new AtomicLong();
    private static final AtomicLong REFUSED = new AtomicLong();
    private static final AtomicLong PARSED = new AtomicLong();
    private static final AtomicLong ESCAPED = new AtomicLong();
    private static final AtomicLong SLOWEST_MICROS = new AtomicLong();

    private static final List<String> WORDS = List.of("uring-policy", "1", "2", "name", "allow-ops", "deny-ops",
            "allow-register-ops", "allow-sqe-flags", "require-sqe-flags", "socket", "connect", "open", "max-length",
            "ALL", "READ", "WRITE", "SOCKET", "OPENAT2", "NOPE", "PROBE", "BUFFERS", "IO_LINK", "ASYNC", "FIXED_FILE",
            "family=AF_INET", "family=AF_INET6,AF_UNIX", "family=-1", "family=x", "type=SOCK_STREAM", "type=16",
            "type=99999999999", "protocol=tcp", "protocol=", "=", "==", "family==2", "127.0.0.0/8:1-65535",
            "[::1]/128:80", "::1/128:80", "1.2.3.4/33:1", "1.2.3.4/8:70000", "1.2.3.4/8:9-1", "[1.2.3.4]/8:1",
            "host.example/8:1", "/8:1", "1.2.3.4/:", "unix", "write=true", "write=maybe", "create=false",
            "root=/srv", "root=relative", "beneath=true", "ops=READ,WRITE", "ops=", "max=10", "max=-1",
            "max=4294967296", "max=99999999999999999999", "#", "# comment", "\t", " ", "é", "\u0000", "\r");

    @AfterContainer
    static void figures() {
        PolicyInvariants.report("profile-parser-fuzz", "inputs_tried", INPUTS.get(), "parsed", PARSED.get(),
                "refused_with_line", REFUSED.get(), "escaped", ESCAPED.get(), "slowest_parse_us", SLOWEST_MICROS.get());
    }

    /** Parses {@code text} on another thread with a deadline; the outcome must be a policy or a line-accurate refusal. */
    private static void parsesOrRefusesWithALine(String text) throws Exception {
        INPUTS.incrementAndGet();
        long start = System.nanoTime();
        CompletableFuture<Object> f = CompletableFuture.supplyAsync(() -> {
            try {
                return PolicyProfiles.parse(text, "fuzz");
            } catch (RuntimeException e) {
                return e;
            }
        });
        Object outcome;
        try {
            outcome = f.get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("parse did not finish in 10 s: " + text.replace("\n", "\\n"));
        }
        SLOWEST_MICROS.accumulateAndGet((System.nanoTime() - start) / 1000, Math::max);
        if (outcome instanceof RingPolicy) {
            PARSED.incrementAndGet();
            return;
        }
        if (!(outcome instanceof ProfileFormatException p)) {
            ESCAPED.incrementAndGet();
            throw new AssertionError("parse threw " + outcome + " for: " + text.replace("\n", "\\n"), (Throwable) outcome);
        }
        REFUSED.incrementAndGet();
        int lines = text.split("\n", -1).length;
        assertThat(p.line()).as("line of %s in %d lines", p.getMessage(), lines).isBetween(1, lines);
        assertThat(p.reason()).isNotBlank();
        assertThat(p.getMessage()).startsWith("fuzz:" + p.line() + ": ");
    }

    @Property
    void randomText(@ForAll @Size(max = 400) String text) throws Exception {
        parsesOrRefusesWithALine(text);
        parsesOrRefusesWithALine("uring-policy 1\n" + text);
        parsesOrRefusesWithALine("uring-policy 1\nname x\n" + text);
    }

    @Provide
    Arbitrary<String> lines() {
        return Arbitraries.of(WORDS).list().ofMinSize(1).ofMaxSize(8).map(w -> String.join(" ", w));
    }

    @Property
    void linesOfTheFormatsOwnWords(@ForAll @Size(max = 12) List<@From("lines") String> body, @ForAll boolean header,
            @ForAll boolean named) throws Exception {
        StringBuilder b = new StringBuilder();
        if (header) {
            b.append("uring-policy 1\n");
        }
        if (named) {
            b.append("name fuzz\n");
        }
        body.forEach(l -> b.append(l).append('\n'));
        parsesOrRefusesWithALine(b.toString());
    }

    @Provide
    Arbitrary<String> validProfiles() {
        Arbitrary<String> builtIn = Arbitraries.of(new ArrayList<>(PolicyProfiles.builtInNames()))
                .map(n -> PolicyProfiles.format(PolicyProfiles.builtIn(n)));
        Arbitrary<String> random = new PolicyNarrowingPropertiesTest().policies().map(PolicyProfiles::format);
        return Arbitraries.oneOf(builtIn, random);
    }

    /** Valid profiles with characters deleted, inserted or replaced, words swapped in, lines duplicated or dropped. */
    @Property
    void mutatedValidProfiles(@ForAll("validProfiles") String valid,
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 1 << 20) Integer> edits,
            @ForAll @IntRange(min = 0, max = 5) int kind, @ForAll char c) throws Exception {
        StringBuilder t = new StringBuilder(valid);
        for (int e : edits) {
            int at = t.isEmpty() ? 0 : e % t.length();
            switch ((kind + e) % 6) {
                case 0 -> {
                    if (!t.isEmpty()) {
                        t.deleteCharAt(at);
                    }
                }
                case 1 -> t.insert(at, c);
                case 2 -> t.insert(at, ' ' + WORDS.get(e % WORDS.size()) + ' ');
                case 3 -> {
                    List<String> ls = new ArrayList<>(List.of(t.toString().split("\n", -1)));
                    ls.add(e % ls.size(), ls.get((e / 7) % ls.size()));
                    t = new StringBuilder(String.join("\n", ls));
                }
                case 4 -> {
                    List<String> ls = new ArrayList<>(List.of(t.toString().split("\n", -1)));
                    ls.remove(e % ls.size());
                    t = new StringBuilder(String.join("\n", ls));
                }
                default -> {
                    if (!t.isEmpty()) {
                        t.setCharAt(at, c);
                    }
                }
            }
        }
        parsesOrRefusesWithALine(t.toString());
    }

    @Property
    void formatThenParseKeepsEveryDecision(@ForAll("randomPolicies") RingPolicy p) throws Exception {
        RingPolicy back = PolicyProfiles.parse(PolicyProfiles.format(p), "round-trip");
        INPUTS.incrementAndGet();
        PARSED.incrementAndGet();
        PolicyInvariants.assertSameDecisions(back, p);
    }

    @Provide
    Arbitrary<RingPolicy> randomPolicies() {
        return new PolicyNarrowingPropertiesTest().policies();
    }

    /** Very long lines and very many lines parse or fail in bounded time too. */
    @Property(tries = 20)
    void hugeInputs(@ForAll @IntRange(min = 1000, max = 20000) int n, @ForAll("lines") String line) throws Exception {
        parsesOrRefusesWithALine("uring-policy 1\nname big\n" + (line + "\n").repeat(n));
        parsesOrRefusesWithALine("uring-policy 1\nname big\nallow-ops" + " READ".repeat(n * 10));
        parsesOrRefusesWithALine("uring-policy 1\nname big\nconnect " + "1".repeat(n) + "/8:1");
    }
}
