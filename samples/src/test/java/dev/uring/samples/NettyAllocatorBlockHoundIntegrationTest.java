package dev.uring.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import reactor.blockhound.integration.BlockHoundIntegration;

/** The allowance is installed, and still names a method Netty has (an upgrade that renames it fails here). */
class NettyAllocatorBlockHoundIntegrationTest {
    @Test
    void isFoundByTheServiceLoader() {
        assertThat(ServiceLoader.load(BlockHoundIntegration.class).stream().map(ServiceLoader.Provider::type))
                .contains(NettyAllocatorBlockHoundIntegration.class);
    }

    @Test
    void allowsAMethodNettyHas() throws Exception {
        Class<?> group = Class.forName("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup");
        assertThat(Arrays.stream(group.getDeclaredMethods()).map(Method::getName)).contains("tryExpandMagazines");
    }
}
