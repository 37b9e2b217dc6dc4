package jgpt.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Runs a comparison script (PyTorch, llama.cpp) whose result is the JSON object on the last line of its stdout. */
final class ProcessJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProcessJson() {}

    /** The last stdout line as JSON, or null when the process fails or prints nothing; its stderr is discarded. */
    static JsonNode lastLine(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0 || out.isBlank()) return null;
        String[] lines = out.strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }
}
