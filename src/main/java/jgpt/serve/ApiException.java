package jgpt.serve;

/**
 * A request the server refuses, answered with OpenAI's error body
 * {@code {"error": {"message", "type", "param", "code"}}} and the given HTTP status.
 */
final class ApiException extends RuntimeException {
    final int status;
    final String type, param, code;

    ApiException(int status, String type, String param, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400 invalid_request_error naming the offending parameter. */
    static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", param, "invalid_value", message);
    }

    static ApiException invalid(String param, String code, String message) {
        return new ApiException(400, "invalid_request_error", param, code, message);
    }
}
