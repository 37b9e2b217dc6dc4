package jgpt.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jgpt.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** F64 and I64 tensors (e.g. from numpy) are read as float and int. */
class SafetensorsWideTypesTest {
    @TempDir
    Path tmp;

    @Test
    void readsF64AsFloatAndI64AsInt() throws IOException {
        String json = "{\"d\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,24]},"
                + "\"i\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[24,48]},"
                + "\"j\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[48,56]}}";
        StringBuilder sb = new StringBuilder(json);
        while (sb.length() % 8 != 0) {
            sb.append(' ');
        }
        byte[] h = sb.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 56).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        b.putDouble(0.1).putDouble(-1e300).putDouble(1.0 + 0x1p-24); // last one is a tie: rounds to even (1.0)
        b.putLong(-5).putLong(50256).putLong(Integer.MAX_VALUE);
        b.putLong(1L << 40);
        Path p = tmp.resolve("wide.safetensors");
        Files.write(p, b.array());
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY, 1f}, f.readFloats("d"));
            assertArrayEquals(new int[] {-5, 50256, Integer.MAX_VALUE}, f.readInts("i"));
            UserException e = assertThrows(UserException.class, () -> f.readInts("j"));
            assertTrue(e.getMessage().contains("1099511627776") && e.getMessage().contains("32-bit"), e.getMessage());
            assertEquals(DType.F64, f.dtype("d"));
        }
    }
}
