// Greedy KV-cached decode of a GGUF model with llama.cpp (through node-llama-cpp's prebuilt CPU build), batch 1:
// one prompt token, then `tokens` generated tokens; median tokens/s of `repeats` runs after a warm-up run.
// Prints one JSON object. usage: node decode.mjs MODEL.gguf TOKENS THREADS [REPEATS]
import {getLlama, LlamaLogLevel} from "node-llama-cpp";

const [modelPath, tokensArg, threadsArg, repeatsArg] = process.argv.slice(2);
const tokens = Number(tokensArg), threads = Number(threadsArg), repeats = Number(repeatsArg ?? 3);
let backend = "";
const llama = await getLlama({
    gpu: false, build: "never", logLevel: LlamaLogLevel.debug,
    // which of the prebuilt CPU variants (AVX2, AVX-512, VNNI, AMX ...) ggml picked for this CPU
    logger: (level, message) => { const m = message.match(/loaded CPU backend from .*\/([^\/\s]+)/); if (m) backend = m[1]; }
});
const model = await llama.loadModel({modelPath, gpuLayers: 0});
const context = await model.createContext({contextSize: 1024, threads, batchSize: 64});
const sequence = context.getSequence();
const prompt = [50256];  // <|endoftext|>

async function run() {
    await sequence.clearHistory();
    const t0 = performance.now();
    let n = 0;
    for await (const token of sequence.evaluate(prompt, {temperature: 0})) {
        if (++n >= tokens) break;
    }
    return n / ((performance.now() - t0) / 1000);
}

await run();  // warm-up
const rates = [];
for (let r = 0; r < repeats; r++) rates.push(await run());
rates.sort((a, b) => a - b);
console.log(JSON.stringify({
    engine: "llama.cpp", model: modelPath.split("/").pop(), tokens, threads,
    tokens_per_s: Number(rates[Math.floor(rates.length / 2)].toFixed(3)), runs: rates.map(r => Number(r.toFixed(3))),
    backend
}));
await context.dispose();
await model.dispose();
await llama.dispose();
