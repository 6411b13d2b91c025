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
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Netty 4.2 echo server on its native epoll or io_uring transport: one
 * {@link MultiThreadIoEventLoopGroup} of {@code --threads} loops both accepts and serves, TCP_NODELAY
 * on, and each read buffer is written back as it is and flushed when the read burst ends.
 *
 * <p>Usage: {@code NettyEchoServer epoll|io_uring [--host H] [--port N] [--threads N]}.
 */
public final class NettyEchoServer {
    private NettyEchoServer() {
    }

    /** Starts the server and serves until the process is killed. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("epoll") || args[0].equals("io_uring"))) {
            throw new IllegalArgumentException("first argument must be epoll or io_uring");
        }
        boolean epoll = args[0].equals("epoll");
        EchoArgs options = EchoArgs.parse(Arrays.copyOfRange(args, 1, args.length));
        // fail with Netty's reason (kernel, missing native library) instead of a later linkage error
        Throwable unavailable = epoll ? Epoll.unavailabilityCause() : IoUring.unavailabilityCause();
        if (unavailable != null) {
            throw new IllegalStateException("Netty " + args[0] + " transport unavailable: " + unavailable,
                    unavailable);
        }
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : IoUringIoHandler.newFactory();
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class
                : IoUringServerSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads(), io);
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(channel)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(Echo.INSTANCE)
                    .bind(options.address())
                    .sync()
                    .channel();
            EchoArgs.announce(((InetSocketAddress) server.localAddress()).getPort(), "netty-" + args[0]);
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
