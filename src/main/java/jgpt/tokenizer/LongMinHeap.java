package jgpt.tokenizer;

import java.util.Arrays;

/**
 * Binary min-heap of primitive longs (e.g. {@code rank << 32 | position}).
 * <pre>{@code
 * LongMinHeap h = new LongMinHeap(16); h.push(5); h.push(2);
 * long smallest = h.pop(); // 2
 * }</pre>
 */
final class LongMinHeap {
    private long[] heap;
    private int size;

    LongMinHeap(int capacity) {
        heap = new long[Math.max(4, capacity)];
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        size = 0;
    }

    void push(long v) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (heap[p] <= v) {
                break;
            }
            heap[i] = heap[p];
            i = p;
        }
        heap[i] = v;
    }

    long pop() {
        long top = heap[0];
        long v = heap[--size];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            if (c + 1 < size && heap[c + 1] < heap[c]) {
                c++;
            }
            if (v <= heap[c]) {
                break;
            }
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = v;
        return top;
    }
}
