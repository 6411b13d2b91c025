package dev.uring.samples;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lets the samples' Spring tests run under BlockHound next to Netty 4.2's adaptive allocator: when
 * two Netty threads grow its magazines at once, one parks on a StampedLock for the few instructions
 * the other holds it, which Netty's own integration (4.2.18) does not yet allow. Nothing of
 * reactive-uring is allowed here; found through {@code META-INF/services} on the test class path.
 */
public final class NettyAllocatorBlockHoundIntegration implements BlockHoundIntegration {
    /** For {@link java.util.ServiceLoader}. */
    public NettyAllocatorBlockHoundIntegration() {
    }

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines");
    }
}
