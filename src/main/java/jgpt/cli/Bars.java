package jgpt.cli;

/** Horizontal bars from Unicode block characters, eight steps per cell, for probabilities in the terminal. */
final class Bars {
    private Bars() {}

    private static final String[] EIGHTHS = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};

    /** A bar {@code width} cells long at fraction 1, padded with spaces to {@code width}. */
    static String of(double fraction, int width) {
        int eighths = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width * 8);
        StringBuilder sb = new StringBuilder(width);
        sb.append("█".repeat(eighths / 8)).append(EIGHTHS[eighths % 8]);
        while (sb.length() < width) sb.append(' ');
        return sb.toString();
    }
}
