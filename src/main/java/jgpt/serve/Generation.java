package jgpt.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import io.helidon.webserver.http.ServerResponse;
import jgpt.tokenizer.StreamingDecoder;
import jgpt.tokenizer.Tokenizer;

/**
 * One accepted request: its n choices go to the {@link BatchScheduler}; their token events come back on one
 * queue and are turned into text (UTF-8 completed across tokens, stop strings cut) and OpenAI JSON, streamed as
 * Server-Sent Events or sent whole. A client that disconnects mid-stream cancels its choices, which frees
 * their slots at the next step.
 */
final class Generation {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ApiFormat format;
    private final Sampling sampling;
    private final String model;
    private final int promptTokens;
    private final ObjectNode extraUsage;
    private final LinkedBlockingQueue<TokenEvent> events = new LinkedBlockingQueue<>();
    private final List<Sequence> sequences = new ArrayList<>();
    private final Choice[] choices;
    private final long created = System.currentTimeMillis() / 1000;

    /** extraUsage: fields added to the usage block (chat: dropped_messages); stops: the request's plus the template's. */
    Generation(ApiFormat format, Sampling s, String model, int[] prompt, List<String> stops, ObjectNode extraUsage,
               Tokenizer tokenizer, int vocab) {
        this.format = format;
        this.sampling = s;
        this.model = model;
        this.promptTokens = prompt.length;
        this.extraUsage = extraUsage;
        long seed = s.seed() != null ? s.seed() : ThreadLocalRandom.current().nextLong();
        choices = new Choice[s.n()];
        for (int i = 0; i < s.n(); i++) {
            sequences.add(new Sequence(i, prompt, s, seed + i, vocab, tokenizer.endOfTextId(), events));
            choices[i] = new Choice(tokenizer.streamingDecoder(), new StopText(stops));
        }
    }

    List<Sequence> sequences() { return sequences; }

    /** Streams the choices as SSE chunks ending in {@code data: [DONE]}. */
    void stream(ServerResponse res) {
        String rid = format.idPrefix() + Long.toHexString(ThreadLocalRandom.current().nextLong());
        res.header("Content-Type", "text/event-stream");
        res.header("Cache-Control", "no-cache");
        try (OutputStream out = res.outputStream()) {
            if (format instanceof ApiFormat.Chat) { // OpenAI opens each chat choice with the role
                for (int i = 0; i < choices.length; i++) {
                    send(out, chunk(rid, i, "", null, true, null));
                }
            }
            int open = choices.length;
            while (open > 0) {
                TokenEvent e = events.take();
                Choice c = choices[e.choice()];
                if (c.finish != null) continue; // events still in flight after a stop string
                String text = "";
                ObjectNode lp = null;
                if (e.hasToken()) {
                    c.tokens++;
                    text = c.stop.accept(c.decoder.push(e.id()));
                    lp = format.tokenLogprob(e);
                } else if ("stop".equals(e.finish())) {
                    c.tokens++;
                }
                String finish = finishOf(c, e);
                if (finish != null) text += rest(c);
                if (!text.isEmpty() || lp != null || finish != null) send(out, chunk(rid, e.choice(), text, lp, false, finish));
                if (finish != null) open--;
            }
            if (sampling.includeUsage()) {
                ObjectNode u = base(rid, true);
                u.putArray("choices");
                u.set("usage", usage());
                send(out, u);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | UncheckedIOException e) {
            cancelAll(); // the client went away
        } catch (InterruptedException e) {
            cancelAll();
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for every choice and returns the whole response. */
    ObjectNode whole() throws InterruptedException {
        List<List<ObjectNode>> lps = new ArrayList<>();
        for (int i = 0; i < choices.length; i++) lps.add(new ArrayList<>());
        int open = choices.length;
        while (open > 0) {
            TokenEvent e = events.take();
            Choice c = choices[e.choice()];
            if (c.finish != null) continue;
            if (e.hasToken()) {
                c.tokens++;
                c.text.append(c.stop.accept(c.decoder.push(e.id())));
                ObjectNode lp = format.tokenLogprob(e);
                if (lp != null) lps.get(e.choice()).add(lp);
            } else if ("stop".equals(e.finish())) {
                c.tokens++;
            }
            String finish = finishOf(c, e);
            if (finish != null) {
                c.text.append(rest(c));
                open--;
            }
        }
        ObjectNode r = base(format.idPrefix() + Long.toHexString(ThreadLocalRandom.current().nextLong()), false);
        var arr = r.putArray("choices");
        for (int i = 0; i < choices.length; i++) {
            ObjectNode ch = arr.addObject().put("index", i);
            format.wholeChoice(ch, choices[i].text.toString(), lps.get(i), choices[i].finish);
        }
        r.set("usage", usage());
        return r;
    }

    /** Ends choice c at this event if it ends: a stop string, end-of-text, the length limit or an error. */
    private String finishOf(Choice c, TokenEvent e) {
        if (c.stop.stopped()) {
            sequences.get(e.choice()).cancel(); // the decode loop frees the slot at its next turn
            c.finish = "stop";
        } else if (e.finish() != null) {
            if (e.finish().equals("error")) throw new IllegalStateException("the decode loop failed");
            c.finish = e.finish();
        }
        return c.finish;
    }

    /** Text still held back when a choice ends (a partial character, a possible stop-string start). */
    private static String rest(Choice c) {
        if (c.stop.stopped()) return "";
        String t = c.stop.accept(c.decoder.flush());
        return t + c.stop.flush();
    }

    void cancelAll() {
        for (Sequence s : sequences) s.cancel();
    }

    private ObjectNode chunk(String rid, int index, String text, ObjectNode lp, boolean first, String finish) {
        ObjectNode o = base(rid, true);
        ObjectNode ch = o.putArray("choices").addObject().put("index", index);
        format.chunkChoice(ch, text, lp, first, finish);
        return o;
    }

    private ObjectNode base(String rid, boolean chunk) {
        return ApiFormat.JSON.objectNode().put("id", rid).put("object", format.object(chunk)).put("created", created)
                .put("model", model).put("system_fingerprint", "jgpt");
    }

    private ObjectNode usage() {
        int completion = 0;
        for (Choice c : choices) completion += c.tokens;
        ObjectNode u = ApiFormat.JSON.objectNode().put("prompt_tokens", promptTokens).put("completion_tokens", completion)
                .put("total_tokens", promptTokens + completion);
        if (extraUsage != null) u.setAll(extraUsage);
        return u;
    }

    private static void send(OutputStream out, ObjectNode o) throws IOException {
        out.write(("data: " + MAPPER.writeValueAsString(o) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static final class Choice {
        final StreamingDecoder decoder;
        final StopText stop;
        final StringBuilder text = new StringBuilder();
        int tokens;
        String finish;

        Choice(StreamingDecoder decoder, StopText stop) {
            this.decoder = decoder;
            this.stop = stop;
        }
    }
}
