package jgpt.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import jgpt.UserException;

/**
 * A Hugging Face {@code chat_template}, rendered with Jinjava as {@code transformers}' {@code apply_chat_template}
 * renders it with Jinja2: {@code trim_blocks} and {@code lstrip_blocks} on, the variables {@code messages},
 * {@code add_generation_prompt} and the special tokens ({@code bos_token}, {@code eos_token}, ...) bound, and the
 * functions {@code raise_exception(msg)} and {@code strftime_now(fmt)} available. Jinjava does not support loop
 * filters ({@code for x in xs if c}); such templates are refused.
 */
final class JinjaChatTemplate implements ChatTemplate {
    private static final Pattern FILTERED_LOOP = Pattern.compile("\\{%-?\\s*for\\s[^%]*?\\sin\\s[^%]*?\\sif\\s");
    private final String source;
    private final Map<String, String> specialTokens;
    private final Jinjava jinjava;

    /** @param specialTokens e.g. {@code bos_token -> "<s>"}, bound as template variables */
    JinjaChatTemplate(String source, Map<String, String> specialTokens) {
        if (FILTERED_LOOP.matcher(source).find()) {
            // Jinjava parses the loop but ignores its condition: refuse rather than render the wrong prompt
            throw new UserException("the chat template uses a filtered loop ({% for x in xs if condition %}), which Jinjava"
                    + " does not support; move the condition into an {% if %} inside the loop");
        }
        this.source = source;
        this.specialTokens = Map.copyOf(specialTokens);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                // expression output is text, never parsed again as a template (a message may contain "{{")
                .withNestedInterpretationEnabled(false)
                // Jinja2's semantics where Jinjava's historical defaults differ
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withEvaluateMapKeys(true)
                        .withIterateOverMapKeys(true)
                        .withUsePyishObjectMapper(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .build();
        this.jinjava = new Jinjava(config);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                JinjaChatTemplate.class, "raiseException", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                JinjaChatTemplate.class, "strftimeNow", String.class));
    }

    /** Raised by a template's {@code raise_exception}: the conversation breaks the template's rules. */
    static final class TemplateRejection extends RuntimeException {
        TemplateRejection(String message) {
            super(message);
        }
    }

    public static Object raiseException(String message) {
        throw new TemplateRejection(message);
    }

    /** The current local time in a C strftime format (Llama 3 templates print today's date). */
    public static String strftimeNow(String format) {
        StringBuilder pattern = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                pattern.append(c == '\'' ? "''" : "'" + c + "'");
                continue;
            }
            pattern.append(switch (format.charAt(++i)) {
                case 'Y' -> "yyyy";
                case 'm' -> "MM";
                case 'd' -> "dd";
                case 'b' -> "MMM";
                case 'B' -> "MMMM";
                case 'H' -> "HH";
                case 'M' -> "mm";
                case 'S' -> "ss";
                case '%' -> "'%'";
                default -> throw new TemplateRejection("strftime_now: unsupported directive %" + format.charAt(i));
            });
        }
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern(pattern.toString(), java.util.Locale.ROOT));
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> msgs = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            msgs.add(map);
        }
        Map<String, Object> bindings = new HashMap<>(specialTokens);
        bindings.put("messages", msgs);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        RenderResult result;
        try {
            result = jinjava.renderForResult(source, bindings);
        } catch (TemplateRejection e) {
            throw new UserException("the model's chat template rejected the conversation: " + e.getMessage());
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() != TemplateError.ErrorType.FATAL) continue;
            Throwable cause = error.getException();
            while (cause != null && !(cause instanceof TemplateRejection)) cause = cause.getCause();
            if (cause != null) throw new UserException("the model's chat template rejected the conversation: " + cause.getMessage());
            throw new UserException("the model's chat template failed at line " + error.getLineno() + ": " + error.getMessage());
        }
        return result.getOutput();
    }

    @Override
    public List<String> stopStrings() {
        return List.of();
    }

    @Override
    public boolean parsesSpecialTokens() {
        return true;
    }
}
