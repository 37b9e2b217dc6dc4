package jgpt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.inspect.NextTokens;
import jgpt.model.Decoder;
import jgpt.model.Gpt;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gpt next}: the next-token distribution after a prompt, at several temperatures side by side. */
@Command(name = "next", mixinStandardHelpOptions = true,
        description = "Show the most likely next tokens after a prompt and their probabilities at several temperatures.")
final class NextCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PromptSource source;

    @Option(names = "--top", defaultValue = "10", paramLabel = "N", description = "How many tokens to show (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--temperatures", split = ",", defaultValue = "0,0.5,1,2", paramLabel = "T",
            description = "Temperatures to compare; 0 = greedy (default: ${DEFAULT-VALUE}).")
    float[] temperatures;

    @Option(names = "--json", description = "Print one JSON document instead of the table.")
    boolean json;

    static final int BAR = 10;

    @Override
    public Integer call() throws Exception {
        if (top < 1) throw new UserException("--top must be >= 1, got " + top);
        for (float t : temperatures) {
            if (!(t >= 0f) || Float.isInfinite(t)) throw new UserException("temperatures must be finite and >= 0, got " + t);
        }
        Gpt model = modelOptions.loadModel();
        PromptSource.Prompt prompt = source.resolve(modelOptions, model);
        NextTokens next = NextTokens.of(new Decoder(model).prefill(prompt.ids()), temperatures, top);
        System.out.print(json ? toJson(next, prompt) : table(next, prompt));
        return 0;
    }

    static String table(NextTokens n, PromptSource.Prompt prompt) {
        StringBuilder sb = new StringBuilder();
        sb.append("after ").append(prompt.ids().length).append(" tokens:");
        for (int id : prompt.ids()) sb.append(" \"").append(prompt.label(id)).append('"');
        sb.append("\n\n");
        int w = 6;
        for (int id : n.ids()) w = Math.max(w, prompt.label(id).length() + 2);
        w = Math.min(w, 24);
        sb.append(String.format(Locale.ROOT, "%4s  %-" + w + "s %8s", "rank", "token", "logit"));
        StringBuilder header = new StringBuilder();
        for (float t : n.temperatures()) header.append(String.format(Locale.ROOT, "   %-" + (BAR + 7) + "s", "T=" + trim(t)));
        sb.append(header.toString().stripTrailing()).append('\n');
        for (int i = 0; i < n.ids().length; i++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%4d  %-" + w + "s %8.3f", i + 1,
                    "\"" + prompt.label(n.ids()[i]) + "\"", n.logits()[i]));
            for (int k = 0; k < n.temperatures().length; k++) {
                float p = n.probs()[i][k];
                line.append(String.format(Locale.ROOT, "   %6.4f %s", p, Bars.of(p, BAR)));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    static String trim(float t) {
        return t == Math.rint(t) ? Integer.toString((int) t) : Float.toString(t);
    }

    static String toJson(NextTokens n, PromptSource.Prompt prompt) throws Exception {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ArrayNode p = root.putArray("prompt");
        for (int id : prompt.ids()) p.addObject().put("id", id).put("text", prompt.text(id));
        ArrayNode tokens = root.putArray("tokens");
        for (int i = 0; i < n.ids().length; i++) {
            ObjectNode t = tokens.addObject().put("id", n.ids()[i]).put("text", prompt.text(n.ids()[i])).put("logit", n.logits()[i]);
            ObjectNode probs = t.putObject("probs");
            for (int k = 0; k < n.temperatures().length; k++) probs.put(Float.toString(n.temperatures()[k]), n.probs()[i][k]);
        }
        ArrayNode temps = root.putArray("temperatures");
        for (float t : n.temperatures()) temps.add(t);
        return m.writeValueAsString(root) + "\n";
    }
}
