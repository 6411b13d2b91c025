package dev.uring.benchmarks.tcp;

import io.netty.channel.ChannelOption;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpServer;

/**
 * Reactor Netty echo server: {@code out.send(in.receive().retain())} on {@code --threads} loops that
 * both accept and serve, TCP_NODELAY on. Reactor Netty 1.3 picks its native transport itself (epoll
 * here: its io_uring support is for the incubator artifact, not Netty 4.2's io_uring); the transport
 * it chose is printed in the {@code listening} line.
 *
 * <p>Usage: {@code ReactorNettyEchoServer [--host H] [--port N] [--threads N]}.
 */
public final class ReactorNettyEchoServer {
    private ReactorNettyEchoServer() {
    }

    /** Starts the server and serves until the process is killed. */
    public static void main(String[] args) {
        EchoArgs options = EchoArgs.parse(args);
        // selectCount -1 (the 3-argument create): the worker loops also accept, as in the other servers
        LoopResources loops = LoopResources.create("echo", options.threads(), true);
        DisposableServer server = TcpServer.create()
                .host(options.host())
                .port(options.port())
                .runOn(loops)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .handle((in, out) -> out.send(in.receive().retain()))
                .bindNow();
        EchoArgs.announce(server.port(), "reactor-netty-" + server.channel().getClass().getSimpleName());
        server.onDispose().block();
    }
}
