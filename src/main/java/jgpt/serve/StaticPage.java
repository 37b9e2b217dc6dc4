package jgpt.serve;

import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** Files of the page, shipped in the jar under {@code jgpt/web/}. */
final class StaticPage {
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png", "json", "application/json", "ico", "image/x-icon");

    private StaticPage() {}

    static void serve(String name, ServerResponse res) throws IOException {
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
        InputStream in = type == null || name.contains("..") || name.startsWith("/") ? null
                : StaticPage.class.getClassLoader().getResourceAsStream("jgpt/web/" + name);
        if (in == null) {
            OpenAiServer.error(res, new ApiException(404, "invalid_request_error", null, "not_found", "no such page: /" + name));
            return;
        }
        try (in) {
            res.header("Content-Type", type);
            res.send(in.readAllBytes());
        }
    }
}
