package jgpt;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing tool fails the test under CI=true and skips it elsewhere; a present one does neither. */
class ExternalToolsTest {
    @Test
    void missingToolFailsUnderCi() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> ExternalTools.require("frobnicator", false, "apt-get install frobnicator", true));
        assertTrue(e.getMessage().contains("frobnicator is not available (apt-get install frobnicator)"), e.getMessage());
    }

    @Test
    void missingToolSkipsLocally() {
        TestAbortedException e = assertThrows(TestAbortedException.class,
                () -> ExternalTools.require("frobnicator", false, "apt-get install frobnicator", false));
        assertTrue(e.getMessage().contains("frobnicator"), e.getMessage());
    }

    @Test
    void presentToolPasses() {
        assertDoesNotThrow(() -> ExternalTools.require("sh", true, "-", true));
        assertTrue(ExternalTools.runs("/bin/sh", "-c", "exit 0"));
        assertFalse(ExternalTools.runs("/bin/sh", "-c", "exit 3"));
        assertFalse(ExternalTools.runs("/nonexistent/tool"));
    }
}
