package jgpt.train;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import jgpt.UserException;
import jgpt.distributed.Collective;
import jgpt.model.Gpt;

/**
 * Checks at the start of a distributed run that every rank is about to train the same thing: rank 0 broadcasts
 * hashes of its settings, weights and data, every rank compares them with its own, and all ranks fail together
 * with one message if any differ (a rank that went on alone would train on, or average in, something else).
 */
final class RunFingerprint {
    private RunFingerprint() {}

    private static final String[] PARTS = {"settings", "starting weights", "step and random state", "training data", "validation data"};

    static void check(Collective comm, String settings, Gpt model, int step, long rngState, TokenSource train, TokenSource val) {
        if (comm.size() == 1) return;
        long[] mine = {hash(settings), hash(model.parameters().data()), step * 0x9E3779B97F4A7C15L ^ rngState, hash(train), hash(val)};
        ByteBuffer buf = ByteBuffer.allocate(8 * mine.length);
        for (long h : mine) buf.putLong(h);
        byte[] bytes = buf.array();
        comm.broadcast(bytes);
        double[] differing = new double[mine.length];
        ByteBuffer root = ByteBuffer.wrap(bytes);
        for (int i = 0; i < mine.length; i++) differing[i] = root.getLong() == mine[i] ? 0 : 1;
        comm.allReduceSum(differing);
        List<String> which = new ArrayList<>();
        for (int i = 0; i < mine.length; i++) if (differing[i] > 0) which.add(PARTS[i] + " (" + (int) differing[i] + " of " + comm.size() + " ranks)");
        if (!which.isEmpty()) {
            throw new UserException("ranks differ from rank 0 in " + String.join(", ", which)
                    + "; every rank must run the same command on the same data (and resume the same checkpoint)");
        }
    }

    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) h = (h ^ s.charAt(i)) * 0x100000001b3L;
        return h;
    }

    private static long hash(float[] values) {
        long h = 0xcbf29ce484222325L;
        for (float f : values) h = (h ^ Float.floatToRawIntBits(f)) * 0x100000001b3L;
        return h;
    }

    /** Length, both ends and 65,536 evenly spaced ids: enough to tell two corpora apart without reading gigabytes. */
    private static long hash(TokenSource tokens) {
        long n = tokens.length(), h = 0xcbf29ce484222325L ^ n;
        for (long i = 0; i < Math.min(n, 4096); i++) h = (h ^ tokens.get(i) ^ tokens.get(n - 1 - i)) * 0x100000001b3L;
        for (long k = 0; k < 65536 && n > 0; k++) h = (h ^ tokens.get(k * n / 65536)) * 0x100000001b3L;
        return h;
    }
}
