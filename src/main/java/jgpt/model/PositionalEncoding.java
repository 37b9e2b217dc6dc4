package jgpt.model;

import java.util.Locale;
import jgpt.UserException;

/** Learned position embeddings (GPT-2) or the fixed sinusoids of "Attention is all you need". */
public enum PositionalEncoding {
    LEARNED, SINUSOIDAL;

    public String key() { return name().toLowerCase(Locale.ROOT); }

    public static PositionalEncoding parse(String name) {
        for (PositionalEncoding p : values()) if (p.key().equals(name.toLowerCase(Locale.ROOT))) return p;
        throw new UserException("unknown positional encoding '" + name + "'; use learned or sinusoidal");
    }
}
