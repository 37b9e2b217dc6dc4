package jgpt.train;

import java.util.ArrayList;
import java.util.List;
import jgpt.UserException;

/** The loss curve of a run: one row per optimizer step (val loss only at evaluation steps), saved as CSV. */
public final class LossLog {
    /** One step: val is NaN when the step was not evaluated. */
    public record Row(int step, float trainLoss, float valLoss, float lr, float tokensPerSecond) {}

    public static final String HEADER = "step,train_loss,val_loss,lr,tokens_per_second";
    private final List<Row> rows = new ArrayList<>();

    public void add(Row r) { rows.add(r); }

    public List<Row> rows() { return List.copyOf(rows); }

    /** Marks the val loss of the row for {@code step} (adding a row if there is none). */
    public void setVal(int step, float trainLoss, float valLoss) {
        for (int i = rows.size() - 1; i >= 0; i--) {
            Row r = rows.get(i);
            if (r.step() == step) {
                rows.set(i, new Row(step, r.trainLoss(), valLoss, r.lr(), r.tokensPerSecond()));
                return;
            }
            if (r.step() < step) break;
        }
        rows.add(new Row(step, trainLoss, valLoss, Float.NaN, Float.NaN));
    }

    public String toCsv() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) {
            sb.append(r.step()).append(',').append(fmt(r.trainLoss())).append(',').append(fmt(r.valLoss())).append(',')
                    .append(fmt(r.lr())).append(',').append(fmt(r.tokensPerSecond())).append('\n');
        }
        return sb.toString();
    }

    public static LossLog fromCsv(String csv, String label) {
        LossLog log = new LossLog();
        String[] lines = csv.split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            String[] f = lines[i].split(",", -1);
            try {
                log.add(new Row(Integer.parseInt(f[0]), parse(f[1]), parse(f[2]), parse(f[3]), parse(f[4])));
            } catch (RuntimeException e) {
                throw new UserException(label + ": malformed line " + (i + 1) + "; delete it or start a new run");
            }
        }
        return log;
    }

    private static String fmt(float v) { return Float.isNaN(v) ? "" : Float.toString(v); }

    private static float parse(String s) { return s.isEmpty() ? Float.NaN : Float.parseFloat(s); }
}
