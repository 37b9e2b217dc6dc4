package jgpt.io;

/**
 * Exact conversions between float32 and the 16-bit formats binary16 (F16) and bfloat16 (BF16).
 * Narrowing rounds to nearest, ties to even; widening is exact (F16 subnormals, infinities and NaN included).
 * <pre>{@code
 * short h = HalfPrecision.floatToHalf(0.1f);      // 0x2E66
 * float f = HalfPrecision.halfToFloat(h);         // 0.099975586f
 * }</pre>
 */
public final class HalfPrecision {
    private HalfPrecision() {
    }

    private static final class Table {
        static final float[] HALF_TO_FLOAT = new float[1 << 16];

        static {
            for (int i = 0; i < HALF_TO_FLOAT.length; i++) {
                HALF_TO_FLOAT[i] = computeHalfToFloat((short) i);
            }
        }
    }

    /** binary16 bits to float32, exactly (table lookup). */
    public static float halfToFloat(short h) {
        return Table.HALF_TO_FLOAT[h & 0xFFFF];
    }

    /** binary16 bits to float32, computed arithmetically (used to build the lookup table). */
    static float computeHalfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) { // infinity or NaN: keep the payload
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) { // zero or subnormal: sign * mant * 2^-24, exact in float32
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + (127 - 15)) << 23) | (mant << 13));
    }

    /** float32 to binary16 bits, round to nearest even; overflow gives infinity, NaN stays NaN (quiet). */
    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) {
            if (abs == 0x7F800000) {
                return (short) (sign | 0x7C00);
            }
            return (short) (sign | 0x7E00 | ((abs & 0x7FFFFF) >>> 13));
        }
        if (abs >= 0x477FF000) { // >= 65520, halfway between 65504 (max) and 65536: ties to even = inf
            return (short) (sign | 0x7C00);
        }
        if (abs >= 0x38800000) { // >= 2^-14: normal binary16
            int h = ((abs >>> 23) - (127 - 15)) << 10 | ((abs & 0x7FFFFF) >>> 13);
            int rem = abs & 0x1FFF;
            if (rem > 0x1000 || (rem == 0x1000 && (h & 1) != 0)) {
                h++; // may carry into the exponent, which is still correct
            }
            return (short) (sign | h);
        }
        if (abs <= 0x33000000) { // <= 2^-25: rounds to zero (2^-25 is a tie, zero is even)
            return (short) sign;
        }
        // subnormal binary16: count units of 2^-24
        int e = abs >>> 23;
        int m = (abs & 0x7FFFFF) | 0x800000;
        int shift = 126 - e; // 14..24
        int h = m >>> shift;
        int rem = m & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rem > half || (rem == half && (h & 1) != 0)) {
            h++; // 0x400 is the smallest normal, correctly encoded
        }
        return (short) (sign | h);
    }

    /** bfloat16 bits to float32, exactly. */
    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }

    /** float32 to bfloat16 bits, round to nearest even; NaN stays NaN (quiet). */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }
}
