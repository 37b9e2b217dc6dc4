package jgpt.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfPrecisionTest {
    @Test
    void halfToFloatMatchesJdkForAll65536Patterns() {
        for (int i = 0; i < 1 << 16; i++) {
            short h = (short) i;
            float expected = Float.float16ToFloat(h);
            float table = HalfPrecision.halfToFloat(h);
            float computed = HalfPrecision.computeHalfToFloat(h);
            if (Float.isNaN(expected)) {
                assertTrue(Float.isNaN(table) && Float.isNaN(computed), "NaN pattern " + Integer.toHexString(i));
            } else {
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(table), Integer.toHexString(i));
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(computed),
                        Integer.toHexString(i));
            }
        }
        assertEquals(0x1p-24f, HalfPrecision.halfToFloat((short) 0x0001)); // smallest subnormal
        assertEquals(-0x3FFp-24f, HalfPrecision.halfToFloat((short) 0x83FF)); // largest negative subnormal
    }

    private static void checkHalf(float f) {
        short expected = Float.floatToFloat16(f);
        short actual = HalfPrecision.floatToHalf(f);
        if (Float.isNaN(f)) {
            assertTrue(Float.isNaN(Float.float16ToFloat(actual)));
        } else {
            assertEquals(expected, actual, () -> "float bits " + Integer.toHexString(Float.floatToRawIntBits(f)));
        }
    }

    @Test
    void floatToHalfMatchesJdkAtAllRoundingBoundaries() {
        for (int i = 0; i < 1 << 16; i++) {
            float v = Float.float16ToFloat((short) i);
            if (Float.isNaN(v)) {
                continue;
            }
            int b = Float.floatToRawIntBits(v);
            // the value, its float neighbours, and the exact midpoints to the next half (ties) and around them
            for (int d = -2; d <= 2; d++) {
                checkHalf(Float.intBitsToFloat(b + d));
            }
            float next = Float.float16ToFloat((short) (i + 1));
            if (!Float.isNaN(next) && Math.signum(next) == Math.signum(v) || v == 0) {
                float mid = (float) (((double) v + next) / 2);
                int m = Float.floatToRawIntBits(mid);
                for (int d = -2; d <= 2; d++) {
                    checkHalf(Float.intBitsToFloat(m + d));
                }
            }
        }
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 1_000_000; i++) {
            checkHalf(Float.intBitsToFloat(r.nextInt()));
        }
        checkHalf(65504f);
        checkHalf(65519.99f);
        checkHalf(65520f);
        checkHalf(0x1p-25f);
        checkHalf(Math.nextUp(0x1p-25f));
        checkHalf(Float.NaN);
        checkHalf(Float.NEGATIVE_INFINITY);
    }

    /** Reference: nearest bfloat16 by exact distance in double, ties to even, overflow as if exponent unbounded. */
    private static short referenceBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int lo = bits & 0xFFFF0000;
        int hi = lo + 0x10000;
        double x = f;
        double dl = Math.abs(x - Float.intBitsToFloat(lo));
        double hv = (hi & 0x7FFFFFFF) == 0x7F800000 ? Math.copySign(0x1p128, x) : Float.intBitsToFloat(hi);
        double dh = Math.abs(hv - x);
        if (dl < dh || (dl == dh && ((lo >>> 16) & 1) == 0)) {
            return (short) (lo >>> 16);
        }
        return (short) (hi >>> 16);
    }

    @Test
    void floatToBf16IsRoundToNearestEven() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 2_000_000; i++) {
            int bits = i < 1 << 16 ? (i << 16) | 0x8000 : r.nextInt(); // exact ties first, then random
            if (i < 1 << 16 && r.nextBoolean()) {
                bits += r.nextBoolean() ? 1 : -1;
            }
            float f = Float.intBitsToFloat(bits);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(HalfPrecision.bf16ToFloat(HalfPrecision.floatToBf16(f))));
                continue;
            }
            assertEquals(referenceBf16(f), HalfPrecision.floatToBf16(f), Integer.toHexString(bits));
        }
        assertEquals((short) 0x3F80, HalfPrecision.floatToBf16(1f));
        assertEquals(1f, HalfPrecision.bf16ToFloat((short) 0x3F80));
        assertEquals(Float.POSITIVE_INFINITY, HalfPrecision.bf16ToFloat(HalfPrecision.floatToBf16(Float.MAX_VALUE)));
    }
}
