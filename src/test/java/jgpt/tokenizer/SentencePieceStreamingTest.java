package jgpt.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Streaming ids one at a time gives the decoded text, with the dummy-prefix space kept at the front. */
class SentencePieceStreamingTest {
    @Test
    void streamedPiecesSpellTheDecodedText() throws IOException {
        SentencePieceTokenizer sp = SentencePieceTokenizer.load(Path.of("../shared/reference/sentencepiece/es-unigram-4k.model"));
        List<String> verses = Files.readAllLines(Path.of("../shared/data/bible-parallel/es-en.test.tsv")).stream()
                .map(l -> l.split("\t")[1]).limit(200).toList();
        for (String v : verses) {
            int[] ids = sp.encode(v);
            StreamingDecoder stream = sp.streamingDecoder();
            StringBuilder sb = new StringBuilder();
            for (int id : ids) sb.append(stream.push(id));
            sb.append(stream.flush());
            assertEquals(" " + sp.decode(ids), sb.toString(), v);
        }
    }
}
