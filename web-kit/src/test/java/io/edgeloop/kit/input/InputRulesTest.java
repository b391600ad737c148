package io.edgeloop.kit.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InputRulesTest {
    @Test
    void controlCharactersSurrogatesAndLengthAreRefused() {
        assertNull(InputRules.problem("plain text\twith\ttabs\r\nand lines, ünïcödé 🚀"));
        assertEquals("contains a NUL character", InputRules.problem("a\u0000b"));
        assertEquals("contains the control character U+001B", InputRules.problem("\u001b[31m"));
        assertEquals("contains an unpaired surrogate", InputRules.problem("a\ud800"));
        assertEquals("contains an unpaired surrogate", InputRules.problem("\udc00"));
        assertEquals("longer than 3 characters", InputRules.problem("abcd", 3));
        assertNull(InputRules.problem("x".repeat(InputRules.DEFAULT_MAX_STRING_LENGTH)));
        assertTrue(InputRules.problem("x".repeat(InputRules.DEFAULT_MAX_STRING_LENGTH + 1)) != null);
    }

    @Test
    void leakyMessagesAreRecognized() {
        assertTrue(InputRules.leaks("could not execute statement [insert into samples (id) values (?)]"));
        assertTrue(InputRules.leaks("org.hibernate.exception.DataException: boom"));
        assertTrue(InputRules.leaks("java.lang.NullPointerException"));
        assertTrue(InputRules.leaks("ERROR: invalid byte sequence; SQL state 22021"));
        assertTrue(InputRules.leaks("bad\u0000message"));
        assertFalse(InputRules.leaks("limit must be between 1 and 500"));
        assertFalse(InputRules.leaks("no version 7 of model vibration"));
        assertTrue(InputRules.leaks("select id from samples where x = 1"));
        assertTrue(InputRules.leaks("failed: OutOfMemoryError"));
        // ordinary words and names are not leaks
        assertFalse(InputRules.leaks("select a variant for model exception-detector"));
        assertFalse(InputRules.leaks("no model named 'java-sql' (an exception was expected)"));
    }

    @Test
    void printableReplacesControlCharactersAndCuts() {
        assertEquals("a?b", InputRules.printable("a\u0000b", 10));
        assertEquals("abc…", InputRules.printable("abcdef", 3));
    }
}
