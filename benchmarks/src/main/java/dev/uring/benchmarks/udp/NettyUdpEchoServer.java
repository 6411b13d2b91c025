package dev.uring.benchmarks.udp;

import dev.uring.benchmarks.tcp.EchoArgs;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategy;
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
 * <p>The first argument picks the transport and its configuration, as for the TCP echo server
 * ({@link dev.uring.benchmarks.tcp.NettyEchoServer}):
 * <ul>
 *   <li>{@code epoll}, {@code io_uring}: Netty's defaults.</li>
 *   <li>{@code epoll-busy-wait}: epoll with a {@link SelectStrategy} that always answers
 *       {@link SelectStrategy#BUSY_WAIT}, so the loop calls epoll_wait with a zero timeout in a loop and
 *       never sleeps (Netty's own latency option; it burns its core even when idle).</li>
 * </ul>
 * There is no io_uring counterpart of either advantage for datagrams in Netty 4.2.18: its io_uring
 * datagram channel reads with one RECVMSG per buffer from the channel's allocator, ignoring
 * {@code IoUringChannelOption.IO_URING_BUFFER_GROUP_ID} (a stream channel option: only
 * {@code IoUringStreamChannelConfig} takes it, so a datagram channel's provided buffer ring is never
 * used), and {@link IoUringIoHandler} takes no {@link SelectStrategy} (it always waits in
 * io_uring_enter). Its one batching option, {@code IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE}
 * (several RECVMSGs per read, each into a slice of one buffer), fires channelReadComplete, where the echo
 * flushes, only once every RECVMSG of the batch has completed: a single flow's reply is never sent (tried by
 * hand: 0 requests served at 1 flow). So {@code io_uring} is the best Netty's io_uring datagram channel
 * offers a request/response server. The same option on epoll (recvmmsg) is not used here.
 *
 * <p>Usage: {@code NettyUdpEchoServer epoll|epoll-busy-wait|io_uring [--host H] [--port N] [--threads N]}.
 */
public final class NettyUdpEchoServer {
    /** epoll-busy-wait's strategy: never block in epoll_wait. */
    private static final SelectStrategy BUSY_WAIT = (selectSupplier, hasTasks) -> SelectStrategy.BUSY_WAIT;

    private NettyUdpEchoServer() {
    }

    /** Starts the server and serves until the process is killed. */
    public static void main(String[] args) throws Exception {
        String variant = args.length == 0 ? "" : args[0];
        if (!List.of("epoll", "epoll-busy-wait", "io_uring").contains(variant)) {
            throw new IllegalArgumentException("first argument must be epoll, epoll-busy-wait or io_uring"
                    + (variant.startsWith("io_uring-") ? " (Netty 4.2.18's io_uring datagram channel has no"
                            + " provided buffer ring and no busy wait)" : ""));
        }
        boolean epoll = variant.startsWith("epoll");
        EchoArgs options = EchoArgs.parse(Arrays.copyOfRange(args, 1, args.length));
        Throwable unavailable = epoll ? Epoll.unavailabilityCause() : IoUring.unavailabilityCause();
        if (unavailable != null) {
            throw new IllegalStateException("Netty " + variant + " transport unavailable: " + unavailable,
                    unavailable);
        }
        IoHandlerFactory io = switch (variant) {
            case "epoll" -> EpollIoHandler.newFactory();
            case "epoll-busy-wait" -> EpollIoHandler.newFactory(0, () -> BUSY_WAIT);
            default -> IoUringIoHandler.newFactory();
        };
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
            EchoArgs.announce(port, "netty-" + variant + "-datagram");
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
