package jgpt.inspect;

/** Indices of the largest values, by partial selection (k is small next to a 50k vocabulary: no full sort). */
public final class Top {
    private Top() {}

    /** Indices of the k largest values, largest first; ties keep the lower index first (as argmax does). */
    public static int[] indices(float[] values, int k) {
        k = Math.min(k, values.length);
        int[] best = new int[k];
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            if (n < k) {
                best[n++] = i;
            } else if (values[i] > values[best[k - 1]]) {
                best[k - 1] = i;
            } else {
                continue;
            }
            for (int j = n - 1; j > 0 && values[best[j]] > values[best[j - 1]]; j--) {
                int t = best[j]; best[j] = best[j - 1]; best[j - 1] = t;
            }
        }
        return best;
    }
}
