package jgpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.metrics.Bleu;
import jgpt.metrics.ChrF;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gpt bleu}: corpus BLEU and chrF of a file of translations against a file of references, as sacreBLEU. */
@Command(name = "bleu", mixinStandardHelpOptions = true,
        description = "Corpus BLEU (sacreBLEU's defaults: 13a tokenization, 4-grams, exp smoothing) and chrF "
                + "of hypotheses against references, one sentence per line in each file.")
final class BleuCommand implements Callable<Integer> {
    @Option(names = "--hyp", required = true, paramLabel = "FILE", description = "System output, one sentence per line.")
    Path hypotheses;

    @Option(names = "--ref", required = true, paramLabel = "FILE", description = "References, one sentence per line.")
    Path references;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        List<String> hyp = readLines(hypotheses), ref = readLines(references);
        if (hyp.size() != ref.size()) {
            throw new UserException(hypotheses + " has " + hyp.size() + " lines but " + references + " has " + ref.size()
                    + "; give one hypothesis per reference line");
        }
        Bleu.Score bleu = Bleu.corpus(hyp, ref);
        ChrF.Score chrf = ChrF.corpus(hyp, ref);
        if (json) {
            ObjectNode out = new ObjectMapper().createObjectNode();
            out.put("bleu", bleu.score());
            out.put("chrf", chrf.score());
            out.put("sys_len", bleu.sysLen());
            out.put("ref_len", bleu.refLen());
            out.put("brevity_penalty", bleu.brevityPenalty());
            var precisions = out.putArray("precisions");
            for (double p : bleu.precisions()) precisions.add(p);
            System.out.println(out);
        } else {
            System.out.println(bleu.summary());
            System.out.printf(Locale.ROOT, "chrF2 = %.2f%n", chrf.score());
        }
        return 0;
    }

    /** Lines of a UTF-8 file without their terminators; a final newline does not add an empty line. */
    private static List<String> readLines(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new UserException(file + ": not valid UTF-8");
        }
        if (text.isEmpty()) return List.of();
        if (text.endsWith("\n")) text = text.substring(0, text.length() - 1);
        return List.of(text.split("\r?\n", -1));
    }
}
