package jgpt.io;

import java.io.IOException;

/**
 * A consumer that may throw {@link IOException}, used by {@link AtomicFiles}.
 * <pre>{@code
 * IOConsumer<OutputStream> body = out -> out.write(bytes);
 * AtomicFiles.write(path, body);
 * }</pre>
 */
@FunctionalInterface
public interface IOConsumer<T> {
    void accept(T t) throws IOException;
}
