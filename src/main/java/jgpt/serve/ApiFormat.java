package jgpt.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jgpt.tokenizer.Tokenizer;

/** How one endpoint (/v1/completions or /v1/chat/completions) shapes its choices and per-token logprobs. */
abstract class ApiFormat {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    final Tokenizer tokenizer;
    final boolean logprobs;
    final int topLogits;

    ApiFormat(Tokenizer tokenizer, Sampling s) {
        this.tokenizer = tokenizer;
        this.logprobs = s.topLogprobs() >= 0;
        this.topLogits = s.topLogits();
    }

    abstract String object(boolean chunk);

    abstract String idPrefix();

    /** A streamed choice: the text released by one token (maybe empty) with that token's logprobs entry. */
    abstract void chunkChoice(ObjectNode choice, String text, ObjectNode logprob, boolean first, String finish);

    /** A whole choice. */
    abstract void wholeChoice(ObjectNode choice, String text, List<ObjectNode> logprobs, String finish);

    /** One token's logprobs entry in this endpoint's shape (null when logprobs were not asked for). */
    abstract ObjectNode tokenLogprob(TokenEvent e);

    String tokenText(int id) { return tokenizer.decode(id); }

    static ArrayNode bytes(String s) {
        ArrayNode a = JSON.arrayNode();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) a.add(b & 0xFF);
        return a;
    }

    /** The extension: [{"id", "token", "logit"}...] of the largest raw logits, largest first. */
    ArrayNode topLogitsArray(TokenEvent e) {
        ArrayNode a = JSON.arrayNode();
        for (int r = 0; r < e.logitIds().length; r++) {
            a.addObject().put("id", e.logitIds()[r]).put("token", tokenText(e.logitIds()[r])).put("logit", e.logits()[r]);
        }
        return a;
    }

    /** /v1/chat/completions: message/delta, and logprobs.content[] entries with top_logprobs (and top_logits). */
    static final class Chat extends ApiFormat {
        Chat(Tokenizer t, Sampling s) { super(t, s); }

        @Override String object(boolean chunk) { return chunk ? "chat.completion.chunk" : "chat.completion"; }

        @Override String idPrefix() { return "chatcmpl-"; }

        @Override void chunkChoice(ObjectNode choice, String text, ObjectNode logprob, boolean first, String finish) {
            ObjectNode delta = choice.putObject("delta");
            if (first) delta.put("role", "assistant");
            if (finish == null || !text.isEmpty()) delta.put("content", text);
            if (logprob != null) choice.putObject("logprobs").putArray("content").add(logprob);
            else choice.putNull("logprobs");
            choice.put("finish_reason", finish);
        }

        @Override void wholeChoice(ObjectNode choice, String text, List<ObjectNode> lps, String finish) {
            choice.putObject("message").put("role", "assistant").put("content", text).putNull("refusal");
            if (logprobs) choice.putObject("logprobs").putArray("content").addAll(lps);
            else choice.putNull("logprobs");
            choice.put("finish_reason", finish);
        }

        @Override ObjectNode tokenLogprob(TokenEvent e) {
            if (!logprobs && topLogits == 0) return null;
            String tok = tokenText(e.id());
            ObjectNode o = JSON.objectNode().put("token", tok).put("logprob", e.logprob());
            o.set("bytes", bytes(tok));
            ArrayNode top = o.putArray("top_logprobs");
            if (e.topIds() != null) {
                for (int r = 0; r < e.topIds().length; r++) {
                    String t = tokenText(e.topIds()[r]);
                    ObjectNode c = top.addObject().put("token", t).put("logprob", e.topLogprobs()[r]);
                    c.set("bytes", bytes(t));
                }
            }
            o.put("id", e.id());
            if (e.logitIds() != null) o.set("top_logits", topLogitsArray(e));
            return o;
        }
    }

    /** /v1/completions: text, and a logprobs object of parallel arrays (plus top_logits[] per token). */
    static final class Completion extends ApiFormat {
        Completion(Tokenizer t, Sampling s) { super(t, s); }

        @Override String object(boolean chunk) { return "text_completion"; }

        @Override String idPrefix() { return "cmpl-"; }

        @Override void chunkChoice(ObjectNode choice, String text, ObjectNode logprob, boolean first, String finish) {
            choice.put("text", text);
            if (logprob != null) choice.set("logprobs", merge(List.of(logprob)));
            else choice.putNull("logprobs");
            choice.put("finish_reason", finish);
        }

        @Override void wholeChoice(ObjectNode choice, String text, List<ObjectNode> lps, String finish) {
            choice.put("text", text);
            if (logprobs || topLogits > 0) choice.set("logprobs", merge(lps));
            else choice.putNull("logprobs");
            choice.put("finish_reason", finish);
        }

        @Override ObjectNode tokenLogprob(TokenEvent e) {
            if (!logprobs && topLogits == 0) return null;
            ObjectNode o = JSON.objectNode().put("token", tokenText(e.id())).put("logprob", e.logprob());
            ObjectNode top = o.putObject("top");
            if (e.topIds() != null) {
                for (int r = 0; r < e.topIds().length; r++) {
                    String t = tokenText(e.topIds()[r]);
                    if (!top.has(t)) top.put(t, e.topLogprobs()[r]); // a dict: two ids that decode alike share a key
                }
            }
            if (e.logitIds() != null) o.set("top_logits", topLogitsArray(e));
            return o;
        }

        private ObjectNode merge(List<ObjectNode> lps) {
            ObjectNode out = JSON.objectNode();
            ArrayNode tokens = out.putArray("tokens"), lp = out.putArray("token_logprobs"),
                    top = out.putArray("top_logprobs"), offset = out.putArray("text_offset");
            ArrayNode logits = topLogits > 0 ? out.putArray("top_logits") : null;
            int at = 0;
            for (ObjectNode o : lps) {
                tokens.add(o.get("token"));
                lp.add(o.get("logprob"));
                if (logprobs && !o.get("top").isEmpty()) top.add(o.get("top"));
                else top.addNull();
                offset.add(at);
                at += o.get("token").asText().length();
                if (logits != null) logits.add(o.get("top_logits"));
            }
            return out;
        }
    }
}
