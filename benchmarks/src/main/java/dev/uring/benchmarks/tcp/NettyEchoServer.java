package dev.uring.benchmarks.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategy;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringBufferRingConfig;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringFixedBufferRingAllocator;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Netty 4.2 echo server on its native epoll or io_uring transport: one
 * {@link MultiThreadIoEventLoopGroup} of {@code --threads} loops both accepts and serves, TCP_NODELAY
 * on, and each read buffer is written back as it is and flushed when the read burst ends.
 *
 * <p>The first argument picks the transport and its configuration:
 * <ul>
 *   <li>{@code epoll}, {@code io_uring}: Netty's defaults.</li>
 *   <li>{@code epoll-busy-wait}: epoll with a {@link SelectStrategy} that always answers
 *       {@link SelectStrategy#BUSY_WAIT}, so the loop calls epoll_wait with a zero timeout in a loop and
 *       never sleeps (Netty's own latency option; it burns its core even when idle).</li>
 *   <li>{@code io_uring-buffer-ring}: io_uring whose reads pick buffers from a provided buffer ring
 *       ({@link IoUringBufferRingConfig} registered with the loop, {@link IoUringChannelOption#IO_URING_BUFFER_GROUP_ID}
 *       on every accepted channel), as reactive-uring receives.</li>
 * </ul>
 *
 * <p>Usage: {@code NettyEchoServer epoll|epoll-busy-wait|io_uring|io_uring-buffer-ring [--host H] [--port N] [--threads N]}.
 */
public final class NettyEchoServer {
    /** The provided buffer ring's group id (io_uring-buffer-ring). */
    private static final short BUFFER_GROUP = 1;
    /** epoll-busy-wait's strategy: never block in epoll_wait. */
    private static final SelectStrategy BUSY_WAIT = (selectSupplier, hasTasks) -> SelectStrategy.BUSY_WAIT;

    private NettyEchoServer() {
    }

    /** Starts the server and serves until the process is killed. */
    public static void main(String[] args) throws Exception {
        String variant = args.length == 0 ? "" : args[0];
        if (!List.of("epoll", "epoll-busy-wait", "io_uring", "io_uring-buffer-ring").contains(variant)) {
            throw new IllegalArgumentException("first argument must be epoll, epoll-busy-wait, io_uring or io_uring-buffer-ring");
        }
        boolean epoll = variant.startsWith("epoll");
        EchoArgs options = EchoArgs.parse(Arrays.copyOfRange(args, 1, args.length));
        // fail with Netty's reason (kernel, missing native library) instead of a later linkage error
        Throwable unavailable = epoll ? Epoll.unavailabilityCause() : IoUring.unavailabilityCause();
        if (unavailable != null) {
            throw new IllegalStateException("Netty " + args[0] + " transport unavailable: " + unavailable,
                    unavailable);
        }
        IoHandlerFactory io = switch (variant) {
            case "epoll" -> EpollIoHandler.newFactory();
            case "epoll-busy-wait" -> EpollIoHandler.newFactory(0, () -> BUSY_WAIT);
            case "io_uring" -> IoUringIoHandler.newFactory();
            default -> IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setBufferRingConfig(
                    IoUringBufferRingConfig.builder()
                            .bufferGroupId(BUFFER_GROUP)
                            .bufferRingSize((short) 1024)
                            .batchSize(64)
                            .allocator(new IoUringFixedBufferRingAllocator(16 * 1024))
                            .build()));
        };
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class
                : IoUringServerSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads(), io);
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(channel)
                    .childOption(ChannelOption.TCP_NODELAY, true);
            if (variant.equals("io_uring-buffer-ring")) {
                bootstrap.childOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, BUFFER_GROUP);
            }
            Channel server = bootstrap
                    .childHandler(Echo.INSTANCE)
                    .bind(options.address())
                    .sync()
                    .channel();
            EchoArgs.announce(((InetSocketAddress) server.localAddress()).getPort(), "netty-" + variant);
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /** Writes each received buffer back unchanged (the write releases it), flushing per read burst. */
    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        static final Echo INSTANCE = new Echo();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
