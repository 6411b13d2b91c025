package dev.uring.samples;

/** Placeholder replaced below. */
final class RingTour {
    private RingTour() {
    }

    public static void main(String[] args) {
    }
}
