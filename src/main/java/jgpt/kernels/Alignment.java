package jgpt.kernels;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Where a float[]'s elements meet a cache line. A 64-byte vector load that straddles two lines costs two
 * accesses: the GEMM micro-kernel streams its packed B strip at 137 GFLOP/s when the strip starts off a line
 * and 150 when it starts on one (one core, kc 128; 130 vs 146 at kc 256). Java places arrays 8 bytes apart, so
 * which element of a buffer starts a line changes from run to run, and with it the speed of every product.
 * Under {@code -XX:ObjectAlignmentInBytes=64} (as {@code ./gpt} runs) every array starts on a line, and element
 * {@link #FIRST} is the first one on a line after the array header; buffers that vector kernels stream start there.
 */
public final class Alignment {
    private Alignment() {}

    static final int LINE = 64;

    /** The index of a float[]'s first element on a cache line, or 0 when the JVM does not align arrays to lines. */
    public static final int FIRST = firstAlignedFloat();

    private static int firstAlignedFloat() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            int objectAlignment = Integer.parseInt(vm.getVMOption("ObjectAlignmentInBytes").getValue());
            if (objectAlignment < LINE) return 0;
            // HotSpot's float[] header: mark word, class pointer, length (12 bytes with compact headers, 16 with
            // compressed class pointers); other layouts are left unaligned
            int header;
            if (Boolean.parseBoolean(vm.getVMOption("UseCompactObjectHeaders").getValue())) header = 12;
            else if (Boolean.parseBoolean(vm.getVMOption("UseCompressedClassPointers").getValue())) header = 16;
            else return 0;
            return (LINE - header) / Float.BYTES;
        } catch (RuntimeException | LinkageError e) {
            return 0; // not HotSpot, or an option it does not have: nothing known about placement
        }
    }

    /** A new float[] with room for n floats from index {@link #FIRST}. */
    static float[] floats(int n) {
        return new float[FIRST + n];
    }
}
