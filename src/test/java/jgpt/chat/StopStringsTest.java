package jgpt.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Streamed text cut at the first stop string, however the text is split into pieces. */
class StopStringsTest {
    @Test
    void holdsBackAPossibleStartUntilItIsDecided() {
        StopStrings s = new StopStrings(List.of("\nUser:"));
        assertEquals("Hello", s.push("Hello\n"));
        assertEquals("", s.push("Us"));
        assertEquals("\nUsed", s.push("ed"));
        assertEquals(" it", s.push(" it\nU"));
        assertEquals("", s.push("ser"));
        assertFalse(s.stopped());
        assertEquals("", s.push(": more"));
        assertTrue(s.stopped());
        assertEquals("", s.push("after"));
        assertEquals("", s.flush());
    }

    @Test
    void flushReturnsAnUnfinishedPrefix() {
        StopStrings s = new StopStrings(List.of("\nUser:"));
        assertEquals("end", s.push("end\nUse"));
        assertEquals("\nUse", s.flush());
        assertFalse(s.stopped());
    }

    /** Any split of the text into pieces gives the text up to the earliest stop string of several. */
    @Test
    void anySplitGivesTheTextBeforeTheEarliestStop() {
        List<String> stops = List.of("\nUser:", "###", "ab");
        Random random = new Random(7);
        String alphabet = "\nUser:#ab xyz";
        for (int trial = 0; trial < 2000; trial++) {
            StringBuilder text = new StringBuilder();
            int n = random.nextInt(40);
            for (int i = 0; i < n; i++) text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            int cut = text.length();
            for (String stop : stops) {
                int at = text.indexOf(stop);
                if (at >= 0) cut = Math.min(cut, at);
            }
            StopStrings s = new StopStrings(stops);
            StringBuilder shown = new StringBuilder();
            for (int i = 0; i < text.length(); ) {
                int j = Math.min(text.length(), i + 1 + random.nextInt(4));
                shown.append(s.push(text.substring(i, j)));
                i = j;
            }
            boolean stopped = s.stopped();
            shown.append(s.flush());
            assertEquals(text.substring(0, cut), shown.toString(), "text " + text.toString().replace("\n", "\\n"));
            assertEquals(cut < text.length(), stopped);
        }
    }
}
