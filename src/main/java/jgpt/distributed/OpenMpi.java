package jgpt.distributed;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import jgpt.UserException;

/**
 * Open MPI's libmpi through the Foreign Function and Memory API: the dozen calls data-parallel training needs.
 * <p>In Open MPI's mpi.h the handles are addresses of exported globals ({@code #define MPI_COMM_WORLD
 * OMPI_PREDEFINED_GLOBAL(MPI_Comm, ompi_mpi_comm_world)} is {@code &ompi_mpi_comm_world}), so they are looked
 * up by name here rather than hard-coded; a libmpi without them is not Open MPI's and is refused.
 * {@code MPI_IN_PLACE} is the constant {@code (void *) 1}.
 * <p>Buffers are Java arrays passed without copying: the calls are linked {@link Linker.Option#critical critical}
 * with heap access, so the garbage collector waits while one runs. Big buffers go in pieces of
 * {@link #CHUNK} values, so a collective that waits on a slow rank holds the collector up for one piece at most.
 */
public final class OpenMpi implements Collective {
    /**
     * Values per call (-Djgpt.mpi.chunk): summing GPT-2's 124M gradients across 2 ranks on this shared 2-core VM took
     * 2.5-2.9 s in 4M-value pieces, 6.8-7.4 s in 1M pieces and 11.7-17 s in one call.
     */
    static final int CHUNK = Integer.getInteger("jgpt.mpi.chunk", 4 << 20);
    private static final int MPI_THREAD_SERIALIZED = 2;
    private static final Linker LINKER = Linker.nativeLinker();

    private final SymbolLookup lib;
    private final MemorySegment world, mpiFloat, mpiDouble, mpiByte, sum, inPlace = MemorySegment.ofAddress(1);
    private final MethodHandle allreduce, reduce, bcast, gatherv, barrier, abort, finalizeMpi;
    private final int rank, size;
    private boolean closed;

    private OpenMpi(SymbolLookup lib) throws Throwable {
        this.lib = lib;
        world = global("ompi_mpi_comm_world");
        mpiFloat = global("ompi_mpi_float");
        mpiDouble = global("ompi_mpi_double");
        mpiByte = global("ompi_mpi_byte");
        sum = global("ompi_mpi_op_sum");
        MethodHandle initThread = function("MPI_Init_thread", false, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        MethodHandle commRank = function("MPI_Comm_rank", false, JAVA_INT, ADDRESS, ADDRESS);
        MethodHandle commSize = function("MPI_Comm_size", false, JAVA_INT, ADDRESS, ADDRESS);
        allreduce = function("MPI_Allreduce", true, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        bcast = function("MPI_Bcast", true, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
        reduce = function("MPI_Reduce", true, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        gatherv = function("MPI_Gatherv", true, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        barrier = function("MPI_Barrier", false, JAVA_INT, ADDRESS);
        abort = function("MPI_Abort", false, JAVA_INT, ADDRESS, JAVA_INT);
        finalizeMpi = function("MPI_Finalize", false, JAVA_INT);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_INT);
            check("MPI_Init_thread", (int) initThread.invokeExact(MemorySegment.NULL, MemorySegment.NULL, MPI_THREAD_SERIALIZED, out));
            if (out.get(JAVA_INT, 0) < MPI_THREAD_SERIALIZED) {
                throw new IllegalStateException("Open MPI provides thread level " + out.get(JAVA_INT, 0) + ", jgpt needs MPI_THREAD_SERIALIZED");
            }
            check("MPI_Comm_rank", (int) commRank.invokeExact(world, out));
            rank = out.get(JAVA_INT, 0);
            check("MPI_Comm_size", (int) commSize.invokeExact(world, out));
            size = out.get(JAVA_INT, 0);
        }
    }

    /** Loads libmpi (JGPT_LIBMPI, else libmpi.so.40 / libmpi.so on the library path) and joins the job. */
    public static OpenMpi init() {
        String given = System.getenv("JGPT_LIBMPI");
        return init(given != null ? new String[] {given} : new String[] {"libmpi.so.40", "libmpi.so"});
    }

    /** Joins the job through the first of these libraries that loads; fails unless it is Open MPI's. */
    static OpenMpi init(String... names) {
        SymbolLookup lib = null;
        for (String name : names) {
            try {
                lib = SymbolLookup.libraryLookup(name, Arena.global());
                break;
            } catch (IllegalArgumentException notFound) {
                // try the next name
            }
        }
        if (lib == null) {
            throw new UserException("cannot load Open MPI's library (" + String.join(", ", names)
                    + "); install it (Debian: apt-get install openmpi-bin libopenmpi-dev) or set JGPT_LIBMPI to its path");
        }
        if (lib.find("ompi_mpi_comm_world").isEmpty()) {
            throw new UserException(String.join("/", names) + " is not Open MPI's libmpi (no ompi_mpi_comm_world); "
                    + "jgpt binds Open MPI only: set JGPT_LIBMPI to Open MPI's libmpi.so");
        }
        try {
            return new OpenMpi(lib);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override public int rank() { return rank; }

    @Override public int size() { return size; }

    @Override
    public void allReduceSum(float[] buf, int off, int len) {
        for (int done = 0; done < len; done += CHUNK) {
            int n = Math.min(CHUNK, len - done);
            MemorySegment seg = MemorySegment.ofArray(buf).asSlice(4L * (off + done), 4L * n);
            call("MPI_Allreduce", () -> (int) allreduce.invokeExact(inPlace, seg, n, mpiFloat, sum, world));
        }
    }

    @Override
    public void allReduceSum(double[] buf) {
        MemorySegment seg = MemorySegment.ofArray(buf);
        call("MPI_Allreduce", () -> (int) allreduce.invokeExact(inPlace, seg, buf.length, mpiDouble, sum, world));
    }

    @Override
    public void broadcast(byte[] buf) {
        MemorySegment seg = MemorySegment.ofArray(buf);
        call("MPI_Bcast", () -> (int) bcast.invokeExact(seg, buf.length, mpiByte, 0, world));
    }

    /**
     * MPI_Reduce of each piece of each block to the block's owner: the result of MPI_Reduce_scatter, in pieces
     * of {@link #CHUNK} (one MPI_Reduce_scatter of GPT-2's 124M gradients took 38 s per step on 2 ranks here).
     */
    @Override
    public void reduceScatterSum(float[] buf, int[] counts, int[] displs) {
        checkCounts(counts);
        for (int r = 0; r < size; r++) {
            for (int done = 0; done < counts[r]; done += CHUNK) {
                int n = Math.min(CHUNK, counts[r] - done), root = r;
                MemorySegment seg = MemorySegment.ofArray(buf).asSlice(4L * (displs[r] + done), 4L * n);
                MemorySegment send = r == rank ? inPlace : seg, recv = r == rank ? seg : MemorySegment.NULL;
                call("MPI_Reduce", () -> (int) reduce.invokeExact(send, recv, n, mpiFloat, sum, root, world));
            }
        }
    }

    /** MPI_Bcast of each piece of each block from its owner: MPI_Allgatherv in place, in pieces. */
    @Override
    public void allGather(float[] buf, int[] counts, int[] displs) {
        checkCounts(counts);
        for (int r = 0; r < size; r++) {
            for (int done = 0; done < counts[r]; done += CHUNK) {
                int n = Math.min(CHUNK, counts[r] - done), root = r;
                MemorySegment seg = MemorySegment.ofArray(buf).asSlice(4L * (displs[r] + done), 4L * n);
                call("MPI_Bcast", () -> (int) bcast.invokeExact(seg, n, mpiFloat, root, world));
            }
        }
    }

    @Override
    public void gather(float[] mine, float[] all, int[] counts, int[] displs) {
        checkCounts(counts);
        MemorySegment send = MemorySegment.ofArray(mine), recv = rank == 0 ? MemorySegment.ofArray(all) : MemorySegment.NULL;
        MemorySegment c = MemorySegment.ofArray(counts), d = MemorySegment.ofArray(displs);
        int n = counts[rank];
        call("MPI_Gatherv", () -> (int) gatherv.invokeExact(send, n, mpiFloat, recv, c, d, mpiFloat, 0, world));
    }

    @Override
    public void barrier() {
        call("MPI_Barrier", () -> (int) barrier.invokeExact(world));
    }

    @Override
    public void abort(int exitCode) {
        call("MPI_Abort", () -> (int) abort.invokeExact(world, exitCode));
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        call("MPI_Finalize", () -> (int) finalizeMpi.invokeExact());
    }

    /** The library's own description, e.g. "Open MPI v4.1.4, package: Debian OpenMPI, ...". */
    public String libraryVersion() {
        try (Arena a = Arena.ofConfined()) {
            MethodHandle h = function("MPI_Get_library_version", false, JAVA_INT, ADDRESS, ADDRESS);
            MemorySegment text = a.allocate(256), len = a.allocate(JAVA_INT);
            call("MPI_Get_library_version", () -> (int) h.invokeExact(text, len));
            return new String(text.asSlice(0, len.get(JAVA_INT, 0)).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                    StandardCharsets.UTF_8).strip();
        }
    }

    private void checkCounts(int[] counts) {
        if (counts.length != size) throw new IllegalArgumentException(counts.length + " counts for " + size + " ranks");
    }

    private MemorySegment global(String name) {
        return lib.find(name).orElseThrow(() -> new UserException("libmpi has no " + name + "; it is not Open MPI's"));
    }

    private MethodHandle function(String name, boolean arrays, java.lang.foreign.MemoryLayout ret,
                                  java.lang.foreign.MemoryLayout... args) {
        Optional<MemorySegment> f = lib.find(name);
        if (f.isEmpty()) throw new UserException("libmpi has no " + name);
        FunctionDescriptor d = FunctionDescriptor.of(ret, args);
        return arrays ? LINKER.downcallHandle(f.get(), d, Linker.Option.critical(true)) : LINKER.downcallHandle(f.get(), d);
    }

    private interface MpiCall {
        int run() throws Throwable;
    }

    private static void call(String name, MpiCall c) {
        int rc;
        try {
            rc = c.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        check(name, rc);
    }

    private static void check(String name, int rc) {
        if (rc != 0) throw new IllegalStateException(name + " failed with error code " + rc);
    }
}
