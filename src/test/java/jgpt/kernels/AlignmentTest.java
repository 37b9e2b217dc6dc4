package jgpt.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AlignmentTest {
    @Test
    void testsRunWithArraysOnCacheLinesSoTheKernelsUseTheirAlignedOffsets() {
        // surefire passes -XX:ObjectAlignmentInBytes=64 (as ./gpt does); with the default 16-byte float[] header the
        // first element on a line is element 12, and the GEMM tests then cover packed buffers that start there
        assertEquals(12, Alignment.FIRST);
        assertEquals(12 + 64 * 16, Alignment.floats(64 * 16).length);
    }
}
