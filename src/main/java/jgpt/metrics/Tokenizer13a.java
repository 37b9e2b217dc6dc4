package jgpt.metrics;

import java.util.regex.Pattern;

/**
 * sacreBLEU's default BLEU tokenizer "13a", the tokenization of WMT's mteval-v13a.pl: unescape four HTML
 * entities, split off punctuation and symbols, split periods and commas except inside numbers, split a dash
 * after a digit, then collapse whitespace.
 */
public final class Tokenizer13a {
    // The symbol ranges { - ~, [ - `, space - &, ( - +, : - @ and '/' (ASCII only, as in mteval).
    private static final Pattern SYMBOLS = Pattern.compile("([\\{-~\\[-` -&\\(-\\+:-@/])");
    private static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([\\.,])");
    private static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([\\.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    private Tokenizer13a() {}

    /** The tokens of one line, joined by single spaces. */
    public static String tokenize(String line) {
        line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (line.indexOf('&') >= 0) {
            line = line.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        line = " " + line + " ";
        line = SYMBOLS.matcher(line).replaceAll(" $1 ");
        line = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(line).replaceAll("$1 $2 ");
        line = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(line).replaceAll(" $1 $2");
        line = DASH_AFTER_DIGIT.matcher(line).replaceAll("$1 $2 ");
        return String.join(" ", PythonText.split(line));
    }
}
