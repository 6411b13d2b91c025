package dev.uring.nio;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.DELETE_ON_CLOSE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The JDK's exceptions for bad arguments and bad opens, and what each open option does. */
@Timeout(60)
class ChannelArgumentsTest {
    @TempDir
    Path dir;

    private Path file(int size) throws IOException {
        Path f = Files.createTempFile(dir, "args", ".bin");
        Files.write(f, new byte[size]);
        return f;
    }

    @Test
    void negativePositionsAreIllegalArguments() throws IOException {
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(file(10), READ, WRITE)) {
            assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(1), -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ch.write(ByteBuffer.allocate(1), -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(1), -1, null, Handlers.recording(null)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ch.lock(-1, 10, false)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ch.tryLock(0, -1, false)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ch.tryLock(Long.MAX_VALUE, 10, false)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void readNeedsReadAndWriteNeedsWrite() throws IOException {
        Path f = file(10);
        try (AsynchronousFileChannel w = UringAsynchronousFileChannel.open(f, WRITE)) {
            assertThatThrownBy(() -> w.read(ByteBuffer.allocate(1), 0)).isInstanceOf(NonReadableChannelException.class);
            assertThatThrownBy(() -> w.lock(0, 1, true)).isInstanceOf(NonReadableChannelException.class);
        }
        try (AsynchronousFileChannel r = UringAsynchronousFileChannel.open(f)) {
            assertThatThrownBy(() -> r.write(ByteBuffer.allocate(1), 0)).isInstanceOf(NonWritableChannelException.class);
            assertThatThrownBy(() -> r.tryLock(0, 1, false)).isInstanceOf(NonWritableChannelException.class);
        }
    }

    @Test
    void aReadOnlyBufferCannotBeReadInto() throws IOException {
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(file(10), READ)) {
            assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(4).asReadOnlyBuffer(), 0))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aReadOnlyBufferCanBeWritten() throws Exception {
        Path f = file(0);
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, WRITE)) {
            assertThat(ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}).asReadOnlyBuffer(), 0).get()).isEqualTo(3);
            assertThat(ch.write(ByteBuffer.allocateDirect(2).asReadOnlyBuffer(), 3).get()).isEqualTo(2);
        }
        assertThat(Files.readAllBytes(f)).containsExactly(1, 2, 3, 0, 0);
    }

    @Test
    void nullHandlersAndBuffersAreRefused() throws IOException {
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(file(10), READ, WRITE)) {
            assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(1), 0, null, null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> ch.write(ByteBuffer.allocate(1), 0, null, null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> ch.lock(null, null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> ch.read(null, 0)).isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void missingFilesAndExistingOnesForCreateNewFailAsTheJdkSays() throws IOException {
        assertThatThrownBy(() -> UringAsynchronousFileChannel.open(dir.resolve("missing"), READ))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("missing");
        assertThatThrownBy(() -> UringAsynchronousFileChannel.open(dir.resolve("missing"), CREATE)) // no WRITE: no create
                .isInstanceOf(NoSuchFileException.class);
        Path f = file(1);
        assertThatThrownBy(() -> UringAsynchronousFileChannel.open(f, CREATE_NEW, WRITE))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> UringAsynchronousFileChannel.open(dir, WRITE)).isInstanceOf(FileSystemException.class);
        long before = Fds.open();
        assertThatThrownBy(() -> UringAsynchronousFileChannel.open(dir.resolve("nope/deeper"), READ))
                .isInstanceOf(NoSuchFileException.class);
        assertThat(Fds.open()).as("a failed open leaves no fd").isEqualTo(before);
    }

    @Test
    void aRepeatedOptionIsNoError() throws Exception {
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(file(3), READ, READ)) {
            assertThat(ch.size()).isEqualTo(3);
        }
    }

    @Test
    void appendAndUnknownOptionsAreUnsupported() {
        assertThatThrownBy(() -> UringAsynchronousFileChannel.open(dir.resolve("a"), WRITE, APPEND))
                .isInstanceOf(UnsupportedOperationException.class);
        OpenOption odd = new OpenOption() {
        };
        assertThatThrownBy(() -> UringAsynchronousFileChannel.open(dir.resolve("a"), WRITE, odd))
                .isInstanceOf(UnsupportedOperationException.class);
        FileAttribute<String> owner = new FileAttribute<>() {
            @Override
            public String name() {
                return "posix:owner";
            }

            @Override
            public String value() {
                return "root";
            }
        };
        assertThatThrownBy(() -> UringAsynchronousFileChannel.open(dir.resolve("a"), Set.of(CREATE, WRITE), null, owner))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(dir.resolve("a")).doesNotExist();
    }

    @Test
    void createTruncateAndPermissions() throws Exception {
        Path f = dir.resolve("created");
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, Set.of(CREATE, WRITE), null,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ch.write(ByteBuffer.wrap(new byte[100]), 0).get();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, WRITE, TRUNCATE_EXISTING)) {
            assertThat(ch.size()).isZero();
        }
        Files.write(f, new byte[10]);
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, READ, TRUNCATE_EXISTING)) {
            assertThat(ch.size()).as("TRUNCATE_EXISTING without WRITE is ignored").isEqualTo(10);
        }
    }

    @Test
    void noFollowLinksRefusesASymbolicLink() throws IOException {
        Path target = file(5);
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(link, READ)) {
            assertThat(ch.size()).isEqualTo(5);
        }
        assertThatThrownBy(() -> UringAsynchronousFileChannel.open(link, READ, LinkOption.NOFOLLOW_LINKS))
                .isInstanceOf(FileSystemException.class);
    }

    @Test
    void deleteOnCloseRemovesTheNameAndTheFileIsGoneAfterClose() throws Exception {
        Path f = file(0);
        AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(f, WRITE, READ, DELETE_ON_CLOSE);
        ch.write(ByteBuffer.wrap(new byte[] {9}), 0).get();
        assertThat(f).doesNotExist();
        ByteBuffer b = ByteBuffer.allocate(1);
        assertThat(ch.read(b, 0).get()).isEqualTo(1);
        assertThat(b.get(0)).isEqualTo((byte) 9);
        ch.close();
        assertThat(Fds.anyOpenOn(f)).isFalse();
    }

    @Test
    void aDirectoryOpensForReadAndItsReadsFailWithTheErrno() throws IOException {
        try (AsynchronousFileChannel ch = UringAsynchronousFileChannel.open(dir, READ)) {
            assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(10), 0).get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IOException.class)
                    .hasMessageContaining("EISDIR");
        }
    }

    @Test
    void aPathOfAnotherFileSystemIsAProviderMismatch() throws Exception {
        Path zip = dir.resolve("z.zip");
        try (var zfs = java.nio.file.FileSystems.newFileSystem(zip, java.util.Map.of("create", "true"))) {
            assertThatThrownBy(() -> UringAsynchronousFileChannel.open(zfs.getPath("/x"), READ))
                    .isInstanceOf(ProviderMismatchException.class);
        }
    }
}
