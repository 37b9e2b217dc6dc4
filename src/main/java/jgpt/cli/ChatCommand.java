package jgpt.cli;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import jgpt.UserException;
import jgpt.chat.ChatMessage;
import jgpt.chat.ChatPrompt;
import jgpt.chat.Conversation;
import jgpt.chat.RenderedPrompt;
import jgpt.chat.StopStrings;
import jgpt.generate.GenerationConfig;
import jgpt.generate.Generator;
import jgpt.generate.TokenListener;
import jgpt.model.Gpt;
import jgpt.model.WeightFormat;
import jgpt.tokenizer.StreamingDecoder;
import jgpt.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gpt chat}: an interactive chat in the terminal. Each user line is added to the conversation, the whole
 * conversation is rendered with the model's chat template and the reply is streamed token by token until a stop
 * string, end-of-text or the token limit.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Chat with a model in the terminal (its chat_template, or a plain User:/Assistant: transcript).",
                "Commands: /reset forgets the conversation, /system TEXT sets the system prompt, /show prints the last reply's"
                        + " tokens with their probabilities and top alternatives, /help; Ctrl-D leaves."})
final class ChatCommand implements Callable<Integer> {
    @Mixin ModelOptions modelOptions;

    @Option(names = "--system", defaultValue = "", paramLabel = "TEXT", description = "System prompt (default: none).")
    String system;

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "200", description = "Most tokens per reply (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = {"-t", "--temperature"}, defaultValue = "0.8", description = "0 = greedy; higher = more random (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-k", defaultValue = "200", description = "Sample among the k most likely tokens, 0 = all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling threshold in (0, 1] (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--seed", defaultValue = "1337", description = "Random seed; reply i uses seed + i (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--weights", defaultValue = "f32", paramLabel = "f32|bf16|int8", description = "Weight precision for decoding (default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--top-alternatives", defaultValue = "5", description = "Alternatives per token in /show (default: ${DEFAULT-VALUE}).")
    int alternatives;

    private PrintStream out;
    private Tokenizer tokenizer;
    private ChatPrompt chat;
    private Generator generator;
    private int contextLength;
    private int replies;
    private String lastDistribution = "";

    @Override
    public Integer call() throws IOException {
        new GenerationConfig(maxTokens, temperature, topK, topP, seed); // validates the sampling flags before loading
        if (maxTokens < 1) throw new UserException("--max-tokens must be >= 1, got " + maxTokens);
        Gpt model = modelOptions.loadModel();
        tokenizer = modelOptions.loadTokenizer(model);
        contextLength = model.config().blockSize();
        chat = ChatPrompt.forModel(modelOptions.model, tokenizer, contextLength);
        generator = new Generator(model, WeightFormat.parse(weights));
        out = System.out;
        Conversation conversation = new Conversation(system);
        out.println("Chatting with " + modelOptions.model + " (" + contextLength + "-token context, "
                + (chat.stopStrings().isEmpty() ? "its chat template" : "plain User:/Assistant: template") + ")."
                + " /help for commands, Ctrl-D to leave.");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (true) {
            out.print("> ");
            out.flush();
            String line = in.readLine();
            if (line == null) {
                out.println();
                return 0;
            }
            if (line.isBlank()) continue;
            if (line.startsWith("/")) {
                command(line.strip(), conversation);
                continue;
            }
            conversation.add(ChatMessage.user(line));
            try {
                conversation.add(ChatMessage.assistant(reply(conversation)));
            } catch (UserException e) {
                conversation.removeLast();
                out.println("error: " + e.getMessage());
            }
        }
    }

    private void command(String line, Conversation conversation) {
        String name = line.split("\\s+", 2)[0];
        String arg = line.substring(name.length()).strip();
        switch (name) {
            case "/reset" -> {
                conversation.reset();
                out.println("(conversation forgotten" + (conversation.system().isEmpty() ? "" : "; the system prompt stays") + ")");
            }
            case "/system" -> {
                conversation.setSystem(arg);
                out.println(arg.isEmpty() ? "(no system prompt)" : "(system prompt set)");
            }
            case "/show" -> out.print(lastDistribution.isEmpty() ? "(no reply yet)\n" : lastDistribution);
            case "/help" -> out.println("/reset forgets the conversation; /system TEXT sets the system prompt (empty: none);"
                    + " /show prints each token of the last reply with its probability and top alternatives; Ctrl-D leaves.");
            default -> out.println("unknown command " + name + "; /help lists them");
        }
    }

    /** Streams the model's reply to the conversation and returns its text. */
    private String reply(Conversation conversation) {
        // room for a reply of maxTokens, but never more than half the context: long replies slide the window instead
        RenderedPrompt prompt = chat.render(conversation.messages(), Math.min(maxTokens, contextLength / 2));
        if (prompt.droppedMessages() > 0) {
            conversation.dropOldest(prompt.droppedMessages());
            out.println("(the " + prompt.droppedMessages() + " oldest messages no longer fit the context and were dropped)");
        }
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        ReplyStream stream = new ReplyStream(new DistributionPrinter(tokenizer, new PrintStream(shown, true, StandardCharsets.UTF_8), alternatives));
        GenerationConfig cfg = new GenerationConfig(maxTokens, temperature, topK, topP, seed + replies++);
        generator.generate(prompt.ids(), cfg, tokenizer.endOfTextId(), stream);
        stream.finish();
        lastDistribution = shown.toString(StandardCharsets.UTF_8);
        return stream.text.toString();
    }

    /** Prints the reply as it is sampled: complete characters only, nothing of a stop string, no leading blanks. */
    private final class ReplyStream implements TokenListener {
        final StringBuilder text = new StringBuilder();
        private final StreamingDecoder decoder = tokenizer.streamingDecoder();
        private final StopStrings stops = new StopStrings(chat.stopStrings());
        private final DistributionPrinter recorder;

        ReplyStream(DistributionPrinter recorder) {
            this.recorder = recorder;
        }

        @Override
        public void onToken(int token, float probability, float[] distribution) {
            recorder.onToken(token, probability, distribution);
            if (token != tokenizer.endOfTextId()) show(stops.push(decoder.push(token)));
        }

        @Override
        public boolean stopRequested() {
            return stops.stopped();
        }

        void finish() {
            show(stops.push(decoder.flush()));
            show(stops.flush());
            out.println();
        }

        private void show(String piece) {
            if (text.isEmpty()) piece = piece.stripLeading();
            if (piece.isEmpty()) return;
            text.append(piece);
            out.print(piece);
            out.flush();
        }
    }
}
