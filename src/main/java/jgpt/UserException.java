package jgpt;

/**
 * A problem caused by the user's input (a file, a flag, a prompt), not by a bug.
 * The CLI prints its message as one line and exits with code 2, without a stack trace,
 * so the message must name the problem and say what to do.
 */
public class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
