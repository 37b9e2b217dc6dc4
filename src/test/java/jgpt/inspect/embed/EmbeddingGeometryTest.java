package jgpt.inspect.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import jgpt.UserException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Neighbours, analogies and directions on a hand-built embedding matrix whose answers are known. */
class EmbeddingGeometryTest {
    @TempDir Path tmp;
    HandBuiltEmbeddings hand;
    EmbeddingGeometry geometry;

    @BeforeEach
    void load() throws Exception {
        hand = new HandBuiltEmbeddings();
        // through the folder, as the CLI reads it: only wte and the tokenizer files
        geometry = new EmbeddingGeometry(TokenEmbeddings.load(hand.writeTo(tmp.resolve("model"))));
    }

    @Test
    void wordsAreLookedUpWithTheirLeadingSpaceFirst() {
        int spaced = hand.id(" king"), bare = hand.id("king");
        assertTrue(spaced != bare, "the corpus makes both 'Ġking' and 'king' single tokens");
        WordVector king = geometry.word("king");
        assertArrayEquals(new int[] {spaced}, king.ids());
        assertFalse(king.averaged());
        assertArrayEquals(HandBuiltEmbeddings.VECTORS.get(" king"), king.vector());
    }

    @Test
    void aWordOfSeveralTokensIsTheirMean() {
        WordVector w = geometry.word("kingcat");
        int[] ids = hand.tokenizer.encode(" kingcat");
        assertTrue(ids.length > 1);
        assertArrayEquals(ids, w.ids());
        assertTrue(w.averaged());
        assertTrue(w.describe().contains("average of " + ids.length + " tokens"), w.describe());
        for (int j = 0; j < HandBuiltEmbeddings.DIM; j++) {
            double mean = 0;
            for (int id : ids) mean += hand.row(id)[j] / (double) ids.length;
            assertEquals(mean, w.vector()[j], 1e-6);
        }
    }

    @Test
    void neighboursAreRankedByCosineWithoutTheWordItself() {
        var result = geometry.neighbours(geometry.word("king"), 2);
        // cos(king, prince) = (0.9 + 1) / (sqrt 2 * sqrt(0.81 + 1 + 0.09)); cos(king, man) = 1 / sqrt 2
        assertEquals(List.of(hand.id(" prince"), hand.id(" man")), result.stream().map(EmbeddingGeometry.Match::id).toList());
        assertEquals(1.9 / (Math.sqrt(2) * Math.sqrt(1.9)), result.get(0).cosine(), 1e-6);
        assertEquals(1 / Math.sqrt(2), result.get(1).cosine(), 1e-6);
        assertEquals(" prince", result.get(0).text());
    }

    @Test
    void kingMinusManPlusWomanIsQueen() {
        var result = geometry.analogy(geometry.word("king"), geometry.word("man"), geometry.word("woman"), 3);
        assertEquals(hand.id(" queen"), result.get(0).id());
        // gensim: unit(king) - unit(man) + unit(woman) = (1/sqrt2, 1/sqrt2 - 2); cosine with unit(queen) = (1/sqrt2, -1/sqrt2)
        double qx = 1 / Math.sqrt(2), qy = 1 / Math.sqrt(2) - 2;
        double expected = (qx / Math.sqrt(2) - qy / Math.sqrt(2)) / Math.hypot(qx, qy);
        assertEquals(expected, result.get(0).cosine(), 1e-6);
    }

    @Test
    void analogyExcludesItsThreeInputs() {
        // man - man + woman = woman exactly; woman (and man) must not be answered
        var result = geometry.analogy(geometry.word("man"), geometry.word("man"), geometry.word("woman"), 5);
        for (var m : result) {
            assertTrue(m.id() != hand.id(" man") && m.id() != hand.id(" woman"), "input returned: " + m);
        }
        assertEquals(hand.id(" queen"), result.get(0).id()); // cos(woman, queen) = 1/sqrt 2, the largest left
        assertEquals(1 / Math.sqrt(2), result.get(0).cosine(), 1e-6);
    }

    @Test
    void pluralityDirectionOrdersTheNumbers() {
        var probes = List.of(geometry.word("two"), geometry.word("four"), geometry.word("one"), geometry.word("three"));
        var result = geometry.direction(geometry.word("cat"), geometry.word("cats"), probes);
        assertEquals(List.of("four", "three", "two", "one"), result.stream().map(p -> p.probe().word()).toList());
        // cats - cat = e2; each number's count axis holds 1..4
        assertEquals(List.of(4.0, 3.0, 2.0, 1.0), result.stream().map(EmbeddingGeometry.Projection::dot).toList());
    }

    @Test
    void topBelowOneIsRefused() {
        var e = assertThrows(UserException.class, () -> geometry.neighbours(geometry.word("king"), 0));
        assertTrue(e.getMessage().contains("--top"), e.getMessage());
    }
}
