package jgpt.autograd;

import java.util.ArrayList;
import jgpt.tensor.Shape;
import jgpt.tensor.Tensor;

/**
 * Records the backward step of every op applied to tensors that need gradients, in creation order;
 * {@link #backward(Tensor)} replays them in reverse (creation order is a topological order).
 * The tape also owns the activation buffers, which are reused after {@link #reset()}.
 * <pre>{@code
 * Tape tape = new Tape();  Tensor loss = model.loss(tape, x, y);
 * tape.backward(loss);     tape.reset();
 * }</pre>
 */
public final class Tape {
    private final ArrayList<Runnable> backwards = new ArrayList<>();
    private final BufferPool values = new BufferPool();
    private final BufferPool grads = new BufferPool();
    private final BufferPool scratch = new BufferPool();
    private boolean gradEnabled = true;

    /** A new output tensor; it gets a zeroed gradient buffer when {@code requiresGrad} and grad mode is on. */
    public Tensor output(Shape shape, boolean requiresGrad) {
        float[] v = values.take(shape.size(), false);
        boolean g = requiresGrad && gradEnabled;
        float[] gr = g ? grads.take(shape.size(), true) : null;
        return new Tensor(v, 0, shape, gr, 0, this);
    }


    /** A scratch array saved for a backward pass (stale contents). */
    public float[] scratch(int size) {
        return scratch.take(size, false);
    }

    /** Whether any input needs a gradient (and grad mode is on): then the op records a backward step. */
    public boolean needsGrad(Tensor... inputs) {
        if (!gradEnabled) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    public void record(Runnable backward) {
        backwards.add(backward);
    }

    public void setGradEnabled(boolean enabled) { this.gradEnabled = enabled; }

    public boolean gradEnabled() { return gradEnabled; }

    /** Seeds d(loss)/d(loss) = 1 (times {@code scale}) and runs every recorded backward step in reverse. */
    public void backward(Tensor loss, float scale) {
        if (loss.size() != 1) throw new IllegalArgumentException("backward needs a scalar, got " + loss.shape());
        if (!loss.requiresGrad()) throw new IllegalStateException("loss does not require a gradient");
        loss.grad()[loss.gradOffset()] += scale;
        for (int i = backwards.size() - 1; i >= 0; i--) backwards.get(i).run();
        backwards.clear();
    }

    public void backward(Tensor loss) { backward(loss, 1f); }

    /** Forgets the recorded graph and makes every buffer available for the next step. */
    public void reset() {
        backwards.clear();
        values.reset();
        grads.reset();
        scratch.reset();
    }

    /** Bytes of activation memory this tape holds (values, gradients, saved scratch). */
    public long bytesHeld() { return values.bytesHeld() + grads.bytesHeld() + scratch.bytesHeld(); }
}
