package jgpt.chat;

import java.util.List;

/**
 * Cuts streamed text at the first stop string. Text that might be the start of a stop string is held back until
 * the next piece shows whether it is, so nothing of a stop string is ever shown.
 * <pre>{@code
 * StopStrings stop = new StopStrings(List.of("\nUser:"));
 * out.print(stop.push(piece));  ...  if (stop.stopped()) break;  ...  out.print(stop.flush());
 * }</pre>
 */
public final class StopStrings {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    public StopStrings(List<String> stops) {
        for (String s : stops) {
            if (s.isEmpty()) throw new jgpt.UserException("a stop string is empty; give at least one character");
        }
        this.stops = List.copyOf(stops);
    }

    /** Whether a stop string has been completed (then every later push returns nothing). */
    public boolean stopped() {
        return stopped;
    }

    /** Adds the next piece of text and returns what can be shown now (possibly empty). */
    public String push(String piece) {
        if (stopped) return "";
        held.append(piece);
        int at = -1;
        for (String s : stops) {
            int i = held.indexOf(s);
            if (i >= 0 && (at < 0 || i < at)) at = i;
        }
        if (at >= 0) {
            stopped = true;
            String out = held.substring(0, at);
            held.setLength(0);
            return out;
        }
        int keep = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, held.length()); k > keep; k--) {
                if (endsWith(held, s, k)) {
                    keep = k;
                    break;
                }
            }
        }
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /** The text still held back (the generation ended without completing a stop string). */
    public String flush() {
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    /** Whether {@code text} ends with the first {@code k} characters of {@code stop}. */
    private static boolean endsWith(CharSequence text, String stop, int k) {
        int off = text.length() - k;
        for (int i = 0; i < k; i++) if (text.charAt(off + i) != stop.charAt(i)) return false;
        return true;
    }
}
