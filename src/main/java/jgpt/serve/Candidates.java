package jgpt.serve;

/** The k largest entries of an array, largest first, by a size-k min-heap (O(n log k), no sort of the whole array). */
final class Candidates {
    private Candidates() {}

    static int[] largest(float[] v, int n, int k) {
        k = Math.min(k, n);
        int[] heap = new int[k]; // min-heap on v[] of the best k so far
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (size < k) {
                heap[size] = i;
                up(heap, v, size++);
            } else if (greater(v, i, heap[0])) {
                heap[0] = i;
                down(heap, v, k);
            }
        }
        int[] out = new int[k];
        for (int r = k - 1; r >= 0; r--) { // pop the smallest into the back
            out[r] = heap[0];
            heap[0] = heap[--size];
            down(heap, v, size);
        }
        return out;
    }

    /** Larger value first; equal values: the smaller id counts as larger, so results are deterministic. */
    private static boolean greater(float[] v, int a, int b) { return v[a] > v[b] || (v[a] == v[b] && a < b); }

    private static void up(int[] h, float[] v, int i) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (!greater(v, h[p], h[i])) break;
            int t = h[p]; h[p] = h[i]; h[i] = t;
            i = p;
        }
    }

    private static void down(int[] h, float[] v, int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, m = i;
            if (l < size && greater(v, h[m], h[l])) m = l;
            if (r < size && greater(v, h[m], h[r])) m = r;
            if (m == i) return;
            int t = h[m]; h[m] = h[i]; h[i] = t;
            i = m;
        }
    }
}
