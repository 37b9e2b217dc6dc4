package jgpt.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import jgpt.chat.ChatMessage;
import jgpt.chat.ChatPrompt;
import jgpt.chat.RenderedPrompt;
import jgpt.model.GptConfig;
import jgpt.tokenizer.Tokenizer;

/** The endpoints' request checking and answers; {@link OpenAiServer} routes to them. */
final class Endpoints {
    private static final Set<String> COMMON = Set.of("model", "max_tokens", "max_completion_tokens", "temperature", "top_p",
            "top_k", "seed", "stop", "n", "stream", "stream_options", "top_logits", "user", "frequency_penalty",
            "presence_penalty", "logit_bias", "logprobs");
    private static final Set<String> COMPLETION = union(COMMON, "prompt", "echo", "suffix", "best_of");
    private static final Set<String> CHAT = union(COMMON, "messages", "top_logprobs", "response_format", "tools",
            "tool_choice", "parallel_tool_calls", "functions", "function_call");
    /** Tokens a chat reply gets when the request does not say (the prompt keeps the rest of the context). */
    static final int DEFAULT_CHAT_RESERVE = 256;

    private final GptConfig cfg;
    private final Tokenizer tokenizer;
    private final String modelName;
    private final ChatPrompt chat;
    private final BatchScheduler scheduler;
    private final long created = System.currentTimeMillis() / 1000;

    Endpoints(GptConfig cfg, Tokenizer tokenizer, String modelName, ChatPrompt chat, BatchScheduler scheduler) {
        this.cfg = cfg;
        this.tokenizer = tokenizer;
        this.modelName = modelName;
        this.chat = chat;
        this.scheduler = scheduler;
    }

    void completions(ObjectNode body, ServerResponse res) throws InterruptedException {
        Params p = new Params(body, COMPLETION);
        checkModel(p);
        int topLogprobs = p.has("logprobs") ? (int) p.integer("logprobs", -1, 0, Sampling.MAX_TOP_LOGPROBS) : -1;
        p.unsupported("echo");
        p.unsupported("suffix");
        if (p.has("best_of") && p.integer("best_of", 1, 1, Sampling.MAX_N) != p.integer("n", 1, 1, Sampling.MAX_N)) {
            throw ApiException.invalid("best_of", "unsupported_parameter", "'best_of' other than n is not supported by this server");
        }
        p.string("user", null);
        Sampling s = Sampling.read(p, 16, cfg.vocabSize(), topLogprobs);
        int[] prompt = prompt(p);
        int ctx = cfg.blockSize();
        if (prompt.length >= ctx) {
            throw ApiException.invalid("prompt", "context_length_exceeded", "the prompt is " + prompt.length
                    + " tokens; this model's context is " + ctx + " tokens (prompt plus completion)");
        }
        if (prompt.length + s.maxTokens() > ctx) {
            throw ApiException.invalid("max_tokens", "context_length_exceeded", "this model's context is " + ctx + " tokens; you asked for "
                    + (prompt.length + s.maxTokens()) + " (" + prompt.length + " in the prompt, " + s.maxTokens() + " to generate)");
        }
        run(new ApiFormat.Completion(tokenizer, s), s, prompt, s.stop(), null, res);
    }

    void chat(ObjectNode body, ServerResponse res) throws InterruptedException {
        Params p = new Params(body, CHAT);
        checkModel(p);
        boolean logprobs = p.bool("logprobs", false);
        int top = (int) p.integer("top_logprobs", 0, 0, Sampling.MAX_TOP_LOGPROBS);
        if (p.has("top_logprobs") && !logprobs) throw ApiException.invalid("top_logprobs", "'top_logprobs' needs 'logprobs': true");
        for (String f : List.of("response_format")) {
            JsonNode rf = p.node(f);
            if (rf != null && !rf.isNull() && !(rf.isObject() && rf.size() == 1 && "text".equals(rf.path("type").asText()))) {
                throw ApiException.invalid(f, "unsupported_parameter", "only {\"type\": \"text\"} is supported for 'response_format'");
            }
        }
        for (String f : List.of("tools", "tool_choice", "parallel_tool_calls", "functions", "function_call")) p.unsupported(f);
        p.string("user", null);
        Sampling s = Sampling.read(p, -1, cfg.vocabSize(), logprobs ? top : -1);
        List<ChatMessage> messages = messages(p);
        int ctx = cfg.blockSize();
        if (s.maxTokens() >= ctx) {
            throw ApiException.invalid(p.has("max_tokens") ? "max_tokens" : "max_completion_tokens", "context_length_exceeded",
                    "this model's context is " + ctx + " tokens; leave room for the prompt (ask for fewer than " + ctx + ")");
        }
        int reserve = s.maxTokens() > 0 ? s.maxTokens() : Math.min(DEFAULT_CHAT_RESERVE, ctx / 2);
        RenderedPrompt r = chat.render(messages, reserve);
        if (s.maxTokens() < 0) s = s.withMaxTokens(ctx - r.ids().length);
        List<String> stops = new ArrayList<>(s.stop());
        stops.addAll(chat.stopStrings());
        res.header("X-Jgpt-Dropped-Messages", Integer.toString(r.droppedMessages()));
        ObjectNode extra = ApiFormat.JSON.objectNode().put("dropped_messages", r.droppedMessages());
        run(new ApiFormat.Chat(tokenizer, s), s, r.ids(), stops, extra, res);
    }

    private void run(ApiFormat format, Sampling s, int[] prompt, List<String> stops, ObjectNode extraUsage, ServerResponse res)
            throws InterruptedException {
        Generation g = new Generation(format, s, modelName, prompt, stops, extraUsage, tokenizer, cfg.vocabSize());
        if (!scheduler.submit(g.sequences())) {
            throw new ApiException(503, "server_error", null, "queue_full", "the server is busy (its queue is full); retry after a second");
        }
        try {
            if (s.stream()) g.stream(res);
            else OpenAiServer.json(res, 200, g.whole());
        } finally {
            g.cancelAll(); // no-op for finished choices; frees the slots of an abandoned request
        }
    }

    void tokenize(ObjectNode body, ServerResponse res) {
        Params p = new Params(body, Set.of("model", "prompt"));
        checkModel(p);
        if (!p.has("prompt")) throw ApiException.invalid("prompt", "missing_parameter", "'prompt' (a string) is required");
        int[] ids = tokenizer.encode(p.string("prompt", ""));
        ObjectNode out = ApiFormat.JSON.objectNode().put("count", ids.length).put("max_model_len", cfg.blockSize());
        var arr = out.putArray("tokens");
        for (int id : ids) arr.add(id);
        OpenAiServer.json(res, 200, out);
    }

    void detokenize(ObjectNode body, ServerResponse res) {
        Params p = new Params(body, Set.of("model", "tokens"));
        checkModel(p);
        if (!p.has("tokens")) throw ApiException.invalid("tokens", "missing_parameter", "'tokens' (a list of token ids) is required");
        int[] ids = ids(p.node("tokens"), "tokens");
        OpenAiServer.json(res, 200, ApiFormat.JSON.objectNode().put("prompt", tokenizer.decode(ids)));
    }

    ObjectNode models() {
        ObjectNode out = ApiFormat.JSON.objectNode().put("object", "list");
        out.putArray("data").addObject().put("id", modelName).put("object", "model").put("created", created)
                .put("owned_by", "jgpt").put("max_model_len", cfg.blockSize())
                .put("vocab_size", cfg.vocabSize()); // extensions (as vLLM's max_model_len): the page sizes its views from them
        return out;
    }

    ObjectNode health() {
        return ApiFormat.JSON.objectNode().put("status", "ok").put("model", modelName).put("active", scheduler.active())
                .put("queued", scheduler.queued()).put("cancelled_sequences", scheduler.cancelledTotal())
                .put("tokens_generated", scheduler.tokensTotal()).put("decode_steps", scheduler.stepsTotal());
    }

    private void checkModel(Params p) {
        String m = p.string("model", null);
        if (m != null && !m.equals(modelName)) {
            throw new ApiException(404, "invalid_request_error", "model", "model_not_found",
                    "The model '" + m + "' does not exist; this server serves '" + modelName + "'");
        }
    }

    /** A string, a list of token ids, or a one-element list of either (OpenAI's prompt forms, one prompt only). */
    private int[] prompt(Params p) {
        JsonNode n = p.node("prompt");
        if (n == null || n.isNull()) throw ApiException.invalid("prompt", "missing_parameter", "'prompt' is required");
        if (n.isArray() && n.size() == 1 && (n.get(0).isTextual() || n.get(0).isArray())) n = n.get(0);
        int[] ids;
        if (n.isTextual()) ids = tokenizer.encode(n.asText());
        else if (n.isArray() && (n.isEmpty() || n.get(0).isNumber())) ids = ids(n, "prompt");
        else if (n.isArray()) throw ApiException.invalid("prompt", "unsupported_parameter", "give one prompt per request (a string or a list of token ids)");
        else throw ApiException.invalid("prompt", "invalid_type", "'prompt' must be a string or a list of token ids");
        if (ids.length == 0) throw ApiException.invalid("prompt", "'prompt' is empty; give at least one token");
        return ids;
    }

    private int[] ids(JsonNode n, String param) {
        if (!n.isArray()) throw ApiException.invalid(param, "invalid_type", "'" + param + "' must be a list of token ids");
        int[] ids = new int[n.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode e = n.get(i);
            if (!e.isIntegralNumber() || e.asLong() < 0 || e.asLong() >= tokenizer.vocabSize()) {
                throw ApiException.invalid(param, "'" + param + "' holds " + e + " at " + i + "; token ids are integers in [0, " + tokenizer.vocabSize() + ")");
            }
            ids[i] = e.asInt();
        }
        return ids;
    }

    private static List<ChatMessage> messages(Params p) {
        JsonNode n = p.node("messages");
        if (n == null || n.isNull()) throw ApiException.invalid("messages", "missing_parameter", "'messages' is required");
        if (!n.isArray()) throw ApiException.invalid("messages", "invalid_type", "'messages' must be a list of {role, content}");
        if (n.isEmpty()) throw ApiException.invalid("messages", "'messages' is empty; give at least one user message");
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode m = n.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) throw ApiException.invalid(at, "invalid_type", at + " must be an object with role and content");
            for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("role") && !f.equals("content") && !(f.equals("name") && m.get(f).isTextual())) {
                    throw ApiException.invalid(at + "." + f, "unsupported_parameter", at + "." + f + " is not supported by this server");
                }
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual()) throw ApiException.invalid(at + ".role", "invalid_type", at + ".role must be a string");
            String r = role.asText().equals("developer") ? "system" : role.asText();
            if (!ChatMessage.ROLES.contains(r)) {
                throw ApiException.invalid(at + ".role", at + ".role must be system, developer, user or assistant; got '" + role.asText() + "'");
            }
            out.add(new ChatMessage(r, content(m.get("content"), at + ".content")));
        }
        return out;
    }

    /** A string, or a list of {"type": "text", "text": ...} parts joined. */
    private static String content(JsonNode c, String at) {
        if (c == null || c.isNull()) throw ApiException.invalid(at, "missing_parameter", at + " is required");
        if (c.isTextual()) return c.asText();
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiException.invalid(at, "unsupported_parameter", at + ": only text parts {\"type\": \"text\", \"text\": ...} are supported");
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw ApiException.invalid(at, "invalid_type", at + " must be a string or a list of text parts");
    }

    private static Set<String> union(Set<String> a, String... more) {
        var s = new java.util.HashSet<>(a);
        s.addAll(List.of(more));
        return Set.copyOf(s);
    }
}
