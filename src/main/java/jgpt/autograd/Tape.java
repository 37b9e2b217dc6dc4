package jgpt.autograd;

import java.util.ArrayList;
import jgpt.kernels.Alignment;
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
 * A training loop repeats the same step on new data, so the tape can also capture one step (every op's forward
 * and backward computation with its buffers) and {@link #replay()} it: later steps then run no model code and
 * allocate nothing, as a CUDA graph replays kernels.
 */
public final class Tape {
    private final ArrayList<Runnable> forwards = new ArrayList<>();
    private final ArrayList<Runnable> backwards = new ArrayList<>();
    /** gradsBefore[k]: how many gradient buffers had been taken when backward step k was recorded. */
    private int[] gradsBefore = new int[64];
    private final BufferPool values = new BufferPool();
    private final BufferPool grads = new BufferPool();
    private final BufferPool scratch = new BufferPool();
    private boolean gradEnabled = true;
    private boolean capturing, captured;
    /** Whether every activation gradient buffer of the captured step is known to be zero (see {@link #backward}). */
    private boolean gradsZero;

    /**
     * A new output tensor; it gets a zeroed gradient buffer when {@code requiresGrad} and grad mode is on. Values
     * and gradient start at {@link Alignment#FIRST}, on a cache line, so kernels' vector loads of whole rows do not
     * straddle two lines.
     */
    public Tensor output(Shape shape, boolean requiresGrad) {
        int first = Alignment.FIRST;
        float[] v = values.take(first + shape.size(), false);
        boolean g = requiresGrad && gradEnabled;
        float[] gr = g ? grads.take(first + shape.size(), true) : null;
        return new Tensor(v, first, shape, gr, first, this);
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

    /**
     * Runs an op's forward computation now; while a step is being captured it is also kept for {@link #replay()}.
     * It must read its inputs afresh each run and allocate nothing.
     */
    public void forward(Runnable computation) {
        computation.run();
        if (capturing) forwards.add(computation);
    }

    /** Records an op's backward computation (run by {@link #backward}); like a forward, it must not allocate. */
    public void record(Runnable backward) {
        if (backwards.size() == gradsBefore.length) gradsBefore = java.util.Arrays.copyOf(gradsBefore, 2 * gradsBefore.length);
        gradsBefore[backwards.size()] = grads.taken();
        backwards.add(backward);
    }

    /**
     * Starts capturing a step: the ops applied until {@link #endCapture()} keep their computations and buffers, so
     * {@link #replay()} can repeat the step. The caller must feed later steps through the same input arrays (token
     * ids, targets, Rng objects) that the captured ops read.
     */
    public void beginCapture() {
        reset();
        capturing = true;
    }

    /** Ends the capture begun by {@link #beginCapture()} (after the step's backward). */
    public void endCapture() {
        if (!capturing) throw new IllegalStateException("not capturing");
        capturing = false;
        captured = true;
    }

    public boolean hasCapture() { return captured; }

    /**
     * Runs the captured step's forward computations again on the current contents of its inputs, with every
     * activation gradient zeroed; {@link #backward} then runs its backward computations. Allocates nothing.
     */
    public void replay() {
        if (!captured) throw new IllegalStateException("no captured step to replay");
        if (!gradsZero) grads.zeroTaken();
        gradsZero = false;
        for (int i = 0; i < forwards.size(); i++) forwards.get(i).run();
    }

    public void setGradEnabled(boolean enabled) { this.gradEnabled = enabled; }

    public boolean gradEnabled() { return gradEnabled; }

    /**
     * Seeds d(loss)/d(loss) = 1 (times {@code scale}) and runs every recorded backward step in reverse.
     * <p>On a captured step, each activation gradient is zeroed for the next replay as soon as it is dead, while
     * it is still in cache: a gradient buffer taken before backward step k was recorded (and after step k-1) is
     * only written by steps recorded after it was taken and read by its producer, which records at or after k, so
     * once step k has run nothing touches it again. Zeroing all of them up front instead streamed every
     * activation gradient through memory once more per step (~4% of a `baby` step).
     */
    public void backward(Tensor loss, float scale) {
        if (loss.size() != 1) throw new IllegalArgumentException("backward needs a scalar, got " + loss.shape());
        if (!loss.requiresGrad()) throw new IllegalStateException("loss does not require a gradient");
        boolean zeroAfterUse = capturing || captured;
        gradsZero = false;
        loss.grad()[loss.gradOffset()] += scale;
        for (int i = backwards.size() - 1; i >= 0; i--) {
            backwards.get(i).run();
            if (zeroAfterUse) grads.zero(i == 0 ? 0 : gradsBefore[i - 1], gradsBefore[i]);
        }
        if (zeroAfterUse) { // buffers taken after the last record: no step touched them
            grads.zero(backwards.isEmpty() ? 0 : gradsBefore[backwards.size() - 1], grads.taken());
            gradsZero = true;
        }
        if (!capturing && !captured) backwards.clear();
    }

    public void backward(Tensor loss) { backward(loss, 1f); }

    /** Forgets the recorded graph (and any capture) and makes every buffer available for the next step. */
    public void reset() {
        capturing = captured = gradsZero = false;
        forwards.clear();
        backwards.clear();
        values.reset();
        grads.reset();
        scratch.reset();
    }

    /** Bytes of activation memory this tape holds (values, gradients, saved scratch). */
    public long bytesHeld() { return values.bytesHeld() + grads.bytesHeld() + scratch.bytesHeld(); }
}
