package jgpt.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Typed, checked reads of a JSON request body's fields. A field that is absent or null reads as its default;
 * one of the wrong type or out of range is a 400 naming it; a field the endpoint does not know is a 400 too
 * (so nothing a client sends is silently ignored).
 */
final class Params {
    private final ObjectNode body;

    Params(ObjectNode body, Set<String> known) {
        this.body = body;
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) throw ApiException.invalid(f, "unknown_parameter", "Unrecognized request argument supplied: " + f);
        }
    }

    boolean has(String f) { return body.hasNonNull(f); }

    JsonNode node(String f) { return body.get(f); }

    String string(String f, String dflt) {
        JsonNode n = body.get(f);
        if (n == null || n.isNull()) return dflt;
        if (!n.isTextual()) throw ApiException.invalid(f, "invalid_type", "'" + f + "' must be a string");
        return n.asText();
    }

    boolean bool(String f, boolean dflt) {
        JsonNode n = body.get(f);
        if (n == null || n.isNull()) return dflt;
        if (!n.isBoolean()) throw ApiException.invalid(f, "invalid_type", "'" + f + "' must be a boolean");
        return n.asBoolean();
    }

    /** An integer in [min, max]. */
    long integer(String f, long dflt, long min, long max) {
        JsonNode n = body.get(f);
        if (n == null || n.isNull()) return dflt;
        if (!n.isIntegralNumber() || !n.canConvertToLong()) throw ApiException.invalid(f, "invalid_type", "'" + f + "' must be an integer");
        long v = n.asLong();
        if (v < min || v > max) throw ApiException.invalid(f, "'" + f + "' must be in [" + min + ", " + max + "], got " + v);
        return v;
    }

    /** A number in [min, max] (minOpen: the lower bound itself excluded). */
    double number(String f, double dflt, double min, boolean minOpen, double max) {
        JsonNode n = body.get(f);
        if (n == null || n.isNull()) return dflt;
        if (!n.isNumber()) throw ApiException.invalid(f, "invalid_type", "'" + f + "' must be a number");
        double v = n.asDouble();
        if (!(minOpen ? v > min : v >= min) || !(v <= max)) {
            throw ApiException.invalid(f, "'" + f + "' must be in " + (minOpen ? "(" : "[") + min + ", " + max + "], got " + v);
        }
        return v;
    }

    /** A string or a list of at most {@code max} strings (OpenAI's {@code stop}). */
    List<String> strings(String f, int max) {
        JsonNode n = body.get(f);
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) return out;
        if (n.isTextual()) out.add(n.asText());
        else if (n.isArray()) {
            for (JsonNode e : n) {
                if (!e.isTextual()) throw ApiException.invalid(f, "invalid_type", "'" + f + "' must be a string or a list of strings");
                out.add(e.asText());
            }
        } else {
            throw ApiException.invalid(f, "invalid_type", "'" + f + "' must be a string or a list of strings");
        }
        if (out.size() > max) throw ApiException.invalid(f, "'" + f + "' takes at most " + max + " strings, got " + out.size());
        for (String s : out) if (s.isEmpty()) throw ApiException.invalid(f, "'" + f + "' strings must not be empty");
        return out;
    }

    /** A parameter OpenAI defines that this server only accepts at its neutral value. */
    void onlyNeutral(String f, double neutral) {
        JsonNode n = body.get(f);
        if (n == null || n.isNull()) return;
        if (!n.isNumber() || n.asDouble() != neutral) {
            throw ApiException.invalid(f, "unsupported_parameter", "'" + f + "' is not supported by this server (only " + neutral + ")");
        }
    }

    /** A parameter this server does not support unless absent, null, false or empty. */
    void unsupported(String f) {
        JsonNode n = body.get(f);
        if (n == null || n.isNull() || (n.isBoolean() && !n.asBoolean()) || (n.isContainerNode() && n.isEmpty())) return;
        throw ApiException.invalid(f, "unsupported_parameter", "'" + f + "' is not supported by this server");
    }
}
