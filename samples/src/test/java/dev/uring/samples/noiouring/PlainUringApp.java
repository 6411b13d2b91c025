package dev.uring.samples.noiouring;

import dev.uring.reactor.Uring;
import java.io.IOException;

/** A plain (non-Spring) program that creates a runtime and prints why it could not. */
public final class PlainUringApp {
    private PlainUringApp() {
    }

    /** Creates a one-loop runtime; on failure prints the exception's message and exits with 3. */
    public static void main(String[] args) {
        try (Uring uring = Uring.create(1)) {
            System.out.println("created " + uring);
        } catch (IOException e) {
            System.out.println("Uring.create failed: " + e.getMessage());
            System.exit(3);
        }
    }
}
