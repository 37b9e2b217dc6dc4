package jgpt.kernels;

/** Work over a half-open index range [from, to); primitive so dispatch never boxes. */
@FunctionalInterface
public interface IntRangeBody {
    void run(int from, int to);
}
