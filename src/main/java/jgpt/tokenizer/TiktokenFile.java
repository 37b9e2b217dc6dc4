package jgpt.tokenizer;

import jgpt.UserException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Reader for tiktoken rank files ({@code base64(bytes) rank} per line), e.g. the
 * {@code r50k_base.tiktoken} resource inside the jtokkit jar.
 * <pre>{@code
 * byte[][] byRank = TiktokenFile.read(in, "r50k_base.tiktoken");
 * ByteLevelBpe bpe = ByteLevelBpe.fromRanks(byRank, List.of(), List.of());
 * }</pre>
 */
public final class TiktokenFile {
    static final String GPT2_RESOURCE = "/com/knuddels/jtokkit/r50k_base.tiktoken";
    static final int GPT2_END_OF_TEXT = 50256;

    private TiktokenFile() {}

    /** Reads a rank file; {@code name} is used in error messages. */
    public static byte[][] read(InputStream in, String name) throws IOException {
        byte[][] byRank = new byte[1024][];
        int max = -1;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        String line;
        int lineNo = 0;
        Base64.Decoder b64 = Base64.getDecoder();
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            int sp = line.indexOf(' ');
            try {
                if (sp < 0) {
                    throw new IllegalArgumentException("no space");
                }
                byte[] bytes = b64.decode(line.substring(0, sp));
                int rank = Integer.parseInt(line.substring(sp + 1).trim());
                if (rank < 0) {
                    throw new IllegalArgumentException("negative rank");
                }
                if (rank >= byRank.length) {
                    byRank = Arrays.copyOf(byRank, Math.max(rank + 1, byRank.length * 2));
                }
                byRank[rank] = bytes;
                max = Math.max(max, rank);
            } catch (IllegalArgumentException e) {
                throw new UserException(name + " line " + lineNo + " is not 'base64 rank' (" + e.getMessage()
                        + "); the tiktoken file is corrupt - use an intact copy");
            }
        }
        return Arrays.copyOf(byRank, max + 1);
    }

    static ByteLevelBpe loadGpt2() {
        try (InputStream in = TiktokenFile.class.getResourceAsStream(GPT2_RESOURCE)) {
            if (in == null) {
                throw new UserException("the GPT-2 vocabulary " + GPT2_RESOURCE
                        + " is missing from the classpath; add the jtokkit 1.1.0 jar");
            }
            byte[][] byRank = read(in, "r50k_base.tiktoken");
            return ByteLevelBpe.fromRanks(byRank, List.of(ByteLevelBpe.END_OF_TEXT), List.of(GPT2_END_OF_TEXT));
        } catch (IOException e) {
            throw new UserException("cannot read the GPT-2 vocabulary " + GPT2_RESOURCE + ": " + e.getMessage());
        }
    }
}
