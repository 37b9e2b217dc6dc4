package jgpt.distributed;

/**
 * The collective operations data-parallel training needs, over the processes of one job (ranks 0 .. size-1).
 * Every rank calls the same operations in the same order with the same sizes, as MPI requires.
 * {@link SingleProcess} is the identity (one rank); {@link OpenMpi} binds Open MPI's libmpi. Another engine
 * (MPICH, NCCL) is one more implementation.
 * <pre>{@code
 * try (Collective comm = Collective.detect()) {
 *     comm.allReduceSum(grad, 0, grad.length);   // every rank now holds the sum
 * }
 * }</pre>
 */
public interface Collective extends AutoCloseable {
    int rank();

    int size();

    default boolean isRoot() { return rank() == 0; }

    /** Replaces buf[off, off + len) on every rank by its sum over all ranks. */
    void allReduceSum(float[] buf, int off, int len);

    /** Replaces buf on every rank by its element-wise sum over all ranks. */
    void allReduceSum(double[] buf);

    /** Copies rank 0's buf into every other rank's buf (same length everywhere). */
    void broadcast(byte[] buf);

    /**
     * Sums {@code buf} over all ranks, each rank r receiving only its block buf[displs[r], displs[r] + counts[r])
     * (in place, as MPI_Reduce_scatter does but left where it was); the rest of buf is undefined afterwards.
     */
    void reduceScatterSum(float[] buf, int[] counts, int[] displs);

    /**
     * Each rank r holds its block in buf[displs[r], displs[r] + counts[r]); afterwards every rank holds every
     * block (MPI_Allgatherv in place).
     */
    void allGather(float[] buf, int[] counts, int[] displs);

    /** Rank 0 receives every rank's block {@code mine} into {@code all} at displs[r] (unused elsewhere). */
    void gather(float[] mine, float[] all, int[] counts, int[] displs);

    void barrier();

    /** Ends every rank of the job now with this exit code (a rank that fails alone would leave the others waiting). */
    void abort(int exitCode);

    /** Leaves the job cleanly (MPI_Finalize); every rank must call it. */
    @Override
    void close();

    /**
     * {@link OpenMpi} when this process was started by Open MPI's mpirun (it sets OMPI_COMM_WORLD_SIZE), else
     * {@link SingleProcess}. A process started by another launcher (MPICH's, Slurm's PMI) is refused with a message.
     */
    static Collective detect() {
        var env = System.getenv();
        if (env.containsKey("OMPI_COMM_WORLD_SIZE")) return OpenMpi.init();
        for (String other : new String[] {"PMI_SIZE", "PMI_RANK", "PMIX_RANK", "MPI_LOCALNRANKS"}) {
            if (env.containsKey(other)) {
                throw new jgpt.UserException("started by an MPI launcher that is not Open MPI's (" + other
                        + " is set, OMPI_COMM_WORLD_SIZE is not); jgpt binds Open MPI only: launch with Open MPI's mpirun");
            }
        }
        return new SingleProcess();
    }
}
