package jgpt.serve;

import java.util.List;

/**
 * Releases generated text piece by piece while watching for stop strings: text that could still turn into the
 * start of a stop string is held back until it cannot, and the text ends just before the first stop string.
 */
final class StopText {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    StopText(List<String> stops) { this.stops = stops; }

    boolean stopped() { return stopped; }

    /** Adds a piece; returns the text that can be sent now (possibly empty). */
    String accept(String piece) {
        if (stopped) return "";
        held.append(piece);
        int first = -1;
        for (String s : stops) {
            int i = held.indexOf(s);
            if (i >= 0 && (first < 0 || i < first)) first = i;
        }
        if (first >= 0) {
            stopped = true;
            String out = held.substring(0, first);
            held.setLength(0);
            return out;
        }
        String h = held.toString();
        int keep = 0; // longest suffix of held that is a proper prefix of some stop string
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, h.length()); len > keep; len--) {
                if (h.regionMatches(h.length() - len, s, 0, len)) {
                    keep = len;
                    break;
                }
            }
        }
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** The held-back rest, at the end of generation. */
    String flush() {
        if (stopped) return "";
        String out = held.toString();
        held.setLength(0);
        return out;
    }
}
