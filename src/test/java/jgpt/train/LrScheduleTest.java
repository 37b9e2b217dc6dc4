package jgpt.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Values of nanoGPT's get_lr(it) for learning_rate 1e-3, min_lr 1e-4, warmup 100, lr_decay_iters 2000. */
class LrScheduleTest {
    private final LrSchedule s = new LrSchedule(1e-3f, 1e-4f, 100, 2000);

    @Test
    void matchesNanoGpt() {
        assertEquals(1e-3 * 1 / 101, s.at(0), 1e-9);
        assertEquals(1e-3 * 100 / 101, s.at(99), 1e-9);
        assertEquals(1e-3, s.at(100), 1e-9);
        assertEquals(1e-4 + 0.5 * (1 + Math.cos(Math.PI * 950 / 1900.0)) * 9e-4, s.at(1050), 1e-9);
        assertEquals(1e-4, s.at(2000), 1e-9);
        assertEquals(1e-4, s.at(5000), 1e-9);
    }
}
