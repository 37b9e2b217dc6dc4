/**
 * Tokenizers: GPT-2 byte-level BPE ({@link jgpt.tokenizer.ByteLevelBpe}), character level
 * ({@link jgpt.tokenizer.CharTokenizer}) and BPE training ({@link jgpt.tokenizer.BpeTrainer}).
 * <pre>{@code
 * Tokenizer tok = Tokenizers.load(modelDir);      // or Tokenizers.byName("gpt2")
 * int[] ids = tok.encode("Hello");  String text = tok.decode(ids);
 * }</pre>
 *
 * <h2>Files in a model folder</h2>
 * <ul>
 *   <li>{@code tokenizer.json} (Hugging Face tokenizers, model type BPE, GPT-2 ByteLevel pre-tokenizer;
 *       merges as {@code "a b"} strings or {@code ["a","b"]} pairs; every {@code added_tokens} entry is
 *       treated as a special token) - preferred when present;</li>
 *   <li>{@code vocab.json} + {@code merges.txt} (GPT2Tokenizer); {@code <|endoftext|>} in the vocab is the
 *       special end-of-text token;</li>
 *   <li>{@code char_tokenizer.json} = {@code {"type":"char","chars":["\n"," ",...]}}, our own format for
 *       the character tokenizer (ids = index in the sorted list of code points). Hugging Face has no
 *       character model that round-trips faithfully (WordLevel decoding inserts spaces), so we do not
 *       pretend to be one.</li>
 * </ul>
 * {@link jgpt.tokenizer.ByteLevelBpe#save} writes {@code vocab.json}, {@code merges.txt}, {@code tokenizer.json},
 * {@code tokenizer_config.json} and {@code special_tokens_map.json}, as {@code GPT2TokenizerFast.from_pretrained}
 * expects.
 *
 * <h2>Exactness</h2>
 * Pre-tokenisation is a hand-written equivalent of GPT-2's regex (with {@code UNICODE_CHARACTER_CLASS},
 * as jtokkit uses it; tested against the regex). Text is UTF-8 encoded (a lone surrogate becomes {@code ?},
 * as {@code String.getBytes} does), pieces are merged lowest rank first (leftmost on ties). Decoding replaces
 * invalid UTF-8 like Python's {@code errors="replace"}.
 */
package jgpt.tokenizer;
