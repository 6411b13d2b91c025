package dev.uring.reactor.tck;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ReactiveHttpOutputMessage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The response a resource writer writes to, standing in for the server's: it records the body
 * publisher the writer hands to {@link #writeWith}. When {@code hold}, it leaves the body alone and
 * never completes the write, so that the writer keeps its file leased while the TCK subscribes to
 * the recorded body; otherwise it consumes and releases the body like a server would.
 */
final class BodyCapture implements ReactiveHttpOutputMessage {
    private final boolean hold;
    private final HttpHeaders headers = new HttpHeaders();
    private final CompletableFuture<Publisher<? extends DataBuffer>> body = new CompletableFuture<>();

    BodyCapture(boolean hold) {
        this.hold = hold;
    }

    /** The body the writer handed over. */
    @SuppressWarnings("unchecked")
    Publisher<DataBuffer> body() throws Exception {
        return (Publisher<DataBuffer>) body.get(Fixture.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public DataBufferFactory bufferFactory() {
        return DefaultDataBufferFactory.sharedInstance;
    }

    @Override
    public void beforeCommit(Supplier<? extends Mono<Void>> action) {
    }

    @Override
    public boolean isCommitted() {
        return body.isDone();
    }

    @Override
    public Mono<Void> writeWith(Publisher<? extends DataBuffer> b) {
        body.complete(b);
        return hold ? Mono.never() : Flux.from(b).doOnNext(DataBufferUtils::release).then();
    }

    @Override
    public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> b) {
        return writeWith(Flux.from(b).concatMap(Flux::from));
    }

    @Override
    public Mono<Void> setComplete() {
        body.complete(Flux.empty());
        return Mono.empty();
    }

    @Override
    public HttpHeaders getHeaders() {
        return headers;
    }
}
