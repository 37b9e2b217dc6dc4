package jgpt.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import jgpt.UserException;

/**
 * Streams uint16 token ids to a file in nanoGPT's raw format or llm.c's headered format (256 int32 header:
 * magic 20240520, version 1, count). Written to a temporary file and renamed on {@link #close()}, so an
 * interrupted run leaves no half-written shard under the final name.
 */
public final class TokenShardWriter implements AutoCloseable {
    public enum Format { NANOGPT, LLMC }

    private static final int LLMC_MAGIC = 20240520, LLMC_HEADER_INTS = 256;
    private final Path target, tmp;
    private final Format format;
    private final OutputStream out;
    private final byte[] buf = new byte[1 << 16];
    private int used;
    private long count;

    public TokenShardWriter(Path target, Format format) throws IOException {
        this.target = target;
        this.format = format;
        this.tmp = target.resolveSibling(target.getFileName() + AtomicFiles.TMP_INFIX + ProcessHandle.current().pid());
        this.out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
        if (format == Format.LLMC) out.write(new byte[LLMC_HEADER_INTS * 4]); // patched on close
    }

    public void write(int[] ids, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            int id = ids[i];
            if (id < 0 || id > 0xFFFF) throw new UserException("token id " + id + " does not fit in uint16; the .bin formats need a vocabulary of at most 65,536");
            if (used == buf.length) flushBuffer();
            buf[used++] = (byte) id;
            buf[used++] = (byte) (id >>> 8);
        }
        count += to - from;
    }

    public long count() { return count; }

    private void flushBuffer() throws IOException {
        out.write(buf, 0, used);
        used = 0;
    }

    @Override
    public void close() throws IOException {
        flushBuffer();
        out.close();
        if (format == Format.LLMC) {
            if (count > Integer.MAX_VALUE) throw new UserException("llm.c format holds at most 2^31 tokens per file; split the input");
            ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(LLMC_MAGIC).putInt(1).putInt((int) count);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(h.flip(), 0);
                ch.force(true);
            }
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
