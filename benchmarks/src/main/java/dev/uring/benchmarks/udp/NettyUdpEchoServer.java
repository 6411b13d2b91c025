package dev.uring.benchmarks.udp;

import dev.uring.benchmarks.tcp.EchoArgs;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Netty 4.2 UDP echo server on its native epoll or io_uring datagram channel: one channel per loop
 * of a {@link MultiThreadIoEventLoopGroup} of {@code --threads} loops (SO_REUSEPORT when more than
 * one), each datagram written back to its sender with its own buffer (no copy) and flushed when the
 * read burst ends.
 *
 * <p>Usage: {@code NettyUdpEchoServer epoll|io_uring [--host H] [--port N] [--threads N]}.
 */
public final class NettyUdpEchoServer {
    private NettyUdpEchoServer() {
    }

    /** Starts the server and serves until the process is killed. */
    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("epoll") || args[0].equals("io_uring"))) {
            throw new IllegalArgumentException("first argument must be epoll or io_uring");
        }
        boolean epoll = args[0].equals("epoll");
        EchoArgs options = EchoArgs.parse(Arrays.copyOfRange(args, 1, args.length));
        Throwable unavailable = epoll ? Epoll.unavailabilityCause() : IoUring.unavailabilityCause();
        if (unavailable != null) {
            throw new IllegalStateException("Netty " + args[0] + " transport unavailable: " + unavailable,
                    unavailable);
        }
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : IoUringIoHandler.newFactory();
        Class<? extends DatagramChannel> channel = epoll ? EpollDatagramChannel.class : IoUringDatagramChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads(), io);
        try {
            Bootstrap b = new Bootstrap().group(group).channel(channel).handler(Echo.INSTANCE);
            if (options.threads() > 1) {
                b.option(UnixChannelOption.SO_REUSEPORT, true);
            }
            List<Channel> channels = new ArrayList<>();
            Channel first = b.bind(options.address()).sync().channel();
            channels.add(first);
            int port = ((InetSocketAddress) first.localAddress()).getPort();
            for (int i = 1; i < options.threads(); i++) {
                channels.add(b.bind(new InetSocketAddress(options.host(), port)).sync().channel());
            }
            EchoArgs.announce(port, "netty-" + args[0] + "-datagram");
            first.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /** Writes each datagram's buffer back to its sender (the write releases it), flushing per read burst. */
    @ChannelHandler.Sharable
    private static final class Echo extends SimpleChannelInboundHandler<DatagramPacket> {
        static final Echo INSTANCE = new Echo();

        Echo() {
            super(false); // the buffer goes out with the reply: not released here
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ctx.write(new DatagramPacket(packet.content(), packet.sender()), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a UDP server keeps serving (a port-unreachable from one peer must not stop the others)
        }
    }
}
