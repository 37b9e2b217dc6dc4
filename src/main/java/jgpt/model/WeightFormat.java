package jgpt.model;

/** How a {@link Decoder} stores its weight matrices: fp32 (exact), bfloat16 (half the bytes) or int8 with per-block scales (a quarter). */
public enum WeightFormat {
    F32, BF16, INT8;

    /** Parses "f32", "bf16" or "int8" (any case). */
    public static WeightFormat parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new jgpt.UserException("unknown weight format '" + s + "'; use f32, bf16 or int8");
        }
    }
}
