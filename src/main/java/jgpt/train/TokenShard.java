package jgpt.train;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import jgpt.UserException;

/**
 * A memory-mapped file of uint16 token ids: nanoGPT's raw {@code train.bin}/{@code val.bin} or llm.c's
 * headered format (256 little-endian int32s: magic 20240520, version 1, token count; then the ids).
 * Files of any size are mapped (FFM segments are not limited to 2 GB); the OS pages them in on demand.
 */
public final class TokenShard implements TokenSource, AutoCloseable {
    public static final int LLMC_MAGIC = 20240520;
    public static final int LLMC_VERSION = 1;
    public static final int LLMC_HEADER_BYTES = 256 * 4;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena;
    private final MemorySegment segment;
    private final long base;
    private final long length;

    private TokenShard(Arena arena, MemorySegment segment, long base, long length) {
        this.arena = arena;
        this.segment = segment;
        this.base = base;
        this.length = length;
    }

    public static TokenShard open(Path file) {
        if (!Files.isRegularFile(file)) throw new UserException(file + ": token file not found; create it with 'gpt prepare'");
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = size == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            int magic = size >= LLMC_HEADER_BYTES ? seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0) : 0;
            if (magic == LLMC_MAGIC) {
                var i32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                int version = seg.get(i32, 4);
                long count = Integer.toUnsignedLong(seg.get(i32, 8));
                if (version != LLMC_VERSION) {
                    throw new UserException(file + ": llm.c token file version " + version + " is not supported (only version 1, uint16 ids)");
                }
                if (LLMC_HEADER_BYTES + 2 * count != size) {
                    throw new UserException(file + ": header says " + count + " tokens but the file holds " + (size - LLMC_HEADER_BYTES) / 2
                            + "; the file is truncated or corrupt, re-run 'gpt prepare'");
                }
                return new TokenShard(arena, seg, LLMC_HEADER_BYTES, count);
            }
            if (size % 2 != 0) throw new UserException(file + ": odd byte count " + size + "; not a uint16 token file");
            return new TokenShard(arena, seg, 0, size / 2);
        } catch (IOException e) {
            arena.close();
            throw new UserException(file + ": cannot read (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    @Override public long length() { return length; }

    @Override public int get(long index) { return Short.toUnsignedInt(segment.get(U16, base + 2 * index)); }

    /** The largest id in the file (a full scan; used to check the ids fit the model's vocabulary). */
    public int maxId() {
        int max = 0;
        for (long i = 0; i < length; i++) max = Math.max(max, get(i));
        return max;
    }

    @Override public void close() { arena.close(); }
}
