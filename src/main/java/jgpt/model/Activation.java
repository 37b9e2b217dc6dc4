package jgpt.model;

import java.util.Locale;
import jgpt.UserException;

/**
 * The MLP non-linearity: {@code GELU_NEW} is GPT-2's tanh-approximated GELU (HF "gelu_new"), {@code GELU} the exact
 * erf form (HF "gelu", PyTorch's nn.GELU(), used by nanoGPT), {@code RELU} max(0, x),
 * {@code SWISH} x * sigmoid(x) (HF "swish" / "silu", Marian's default).
 */
public enum Activation {
    GELU_NEW("gelu_new"), GELU("gelu"), RELU("relu"), SWISH("swish");

    private final String hfName;

    Activation(String hfName) { this.hfName = hfName; }

    /** The name Hugging Face's config.json uses ("activation_function"). */
    public String hfName() { return hfName; }

    public static Activation parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("gelu_new") || n.equals("gelu_pytorch_tanh")) return GELU_NEW;
        if (n.equals("gelu")) return GELU;
        if (n.equals("relu")) return RELU;
        if (n.equals("swish") || n.equals("silu")) return SWISH;
        throw new UserException("unsupported activation '" + name + "'; use gelu_new, gelu, relu or swish");
    }
}
