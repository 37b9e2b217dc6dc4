package jgpt.translate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jgpt.tensor.Rng;

/**
 * Batches by token count with length bucketing: pairs sorted by target then source length are cut into batches
 * whose padded size (rows x longest target, and rows x longest source) stays within the token budget, so a batch
 * holds sentences of similar length and little padding. The batches are fixed; each epoch visits them in an order
 * drawn from (seed, epoch), so a resumed run sees exactly the batches the uninterrupted one would.
 */
public final class TokenBatches {
    /** One padded batch: source ids [b*s] with lengths, decoder inputs and labels [b*t] (-1 = ignored). */
    public record Batch(int b, int s, int t, int[] source, int[] sourceLengths, int[] decoderInput, int[] labels, int targetTokens) {}

    private final List<int[]> members = new ArrayList<>();
    private final int[][] sources, targets;
    private final int pad, start;

    /** {@code sources[i]} and {@code targets[i]} end with eos. */
    public TokenBatches(int[][] sources, int[][] targets, int maxTokens, int pad, int start) {
        this.sources = sources;
        this.targets = targets;
        this.pad = pad;
        this.start = start;
        Integer[] order = new Integer[sources.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> targets[a].length != targets[b].length ? Integer.compare(targets[a].length, targets[b].length)
                : Integer.compare(sources[a].length, sources[b].length));
        List<Integer> cur = new ArrayList<>();
        int maxS = 0, maxT = 0;
        for (int i : order) {
            int s = Math.max(maxS, sources[i].length), t = Math.max(maxT, targets[i].length);
            if (!cur.isEmpty() && (cur.size() + 1) * Math.max(s, t) > maxTokens) {
                members.add(cur.stream().mapToInt(Integer::intValue).toArray());
                cur.clear();
                s = sources[i].length;
                t = targets[i].length;
            }
            cur.add(i);
            maxS = s;
            maxT = t;
        }
        if (!cur.isEmpty()) members.add(cur.stream().mapToInt(Integer::intValue).toArray());
    }

    public int size() { return members.size(); }

    /** The batch order of an epoch: a Fisher-Yates shuffle seeded by (seed, epoch). */
    public int[] epochOrder(long seed, int epoch) {
        int[] o = new int[members.size()];
        for (int i = 0; i < o.length; i++) o[i] = i;
        Rng rng = new Rng(seed * 1_000_003L + epoch);
        for (int i = o.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int x = o[i];
            o[i] = o[j];
            o[j] = x;
        }
        return o;
    }

    public Batch batch(int index) {
        int[] rows = members.get(index);
        int b = rows.length, s = 0, t = 0, tokens = 0;
        for (int r : rows) {
            s = Math.max(s, sources[r].length);
            t = Math.max(t, targets[r].length);
            tokens += targets[r].length;
        }
        int[] src = new int[b * s], lengths = new int[b], dec = new int[b * t], labels = new int[b * t];
        Arrays.fill(src, pad);
        Arrays.fill(labels, -1);
        for (int k = 0; k < b; k++) {
            int[] x = sources[rows[k]], y = targets[rows[k]];
            System.arraycopy(x, 0, src, k * s, x.length);
            lengths[k] = x.length;
            System.arraycopy(y, 0, labels, k * t, y.length);
        }
        int[] shifted = MarianModel.shiftRight(labels, b, t, pad, start);
        System.arraycopy(shifted, 0, dec, 0, dec.length);
        return new Batch(b, s, t, src, lengths, dec, labels, tokens);
    }
}
