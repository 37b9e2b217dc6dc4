package jgpt.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jgpt.UserException;
import org.junit.jupiter.api.Test;

/** The binding refuses, with a message that says what to do, a missing libmpi and a library that is not Open MPI's. */
class OpenMpiLoadingTest {
    @Test
    void aMissingLibraryIsAUserError() {
        UserException e = assertThrows(UserException.class, () -> OpenMpi.init("/nonexistent/libmpi.so.40"));
        assertTrue(e.getMessage().contains("cannot load Open MPI's library") && e.getMessage().contains("apt-get install"), e.getMessage());
    }

    @Test
    void aLibraryWithoutOpenMpisGlobalsIsRefused() {
        UserException e = assertThrows(UserException.class, () -> OpenMpi.init("libc.so.6"));
        assertTrue(e.getMessage().contains("is not Open MPI's libmpi"), e.getMessage());
    }

    @Test
    void outsideMpirunEveryCollectiveIsTheIdentity() {
        Collective c = new SingleProcess();
        float[] g = {1f, 2f, 3f};
        c.allReduceSum(g, 0, 3);
        c.reduceScatterSum(g, new int[] {3}, new int[] {0});
        c.allGather(g, new int[] {3}, new int[] {0});
        assertEquals(0, c.rank());
        assertEquals(1, c.size());
        assertEquals(2f, g[1]);
    }
}
