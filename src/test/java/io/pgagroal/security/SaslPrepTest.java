package io.pgagroal.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Cases from RFC 4013 §3 and PostgreSQL's saslprep.c; agreement with a real server is in ScramVerifierTest. */
class SaslPrepTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            pencil                    | pencil
            I\u00ADX                  | IX
            user                      | user
            USER                      | USER
            \u00AA                    | a
            \u2168                    | IX
            pass\u00A0word            | pass word
            a\u1680b\u2003c\u202Fd    | a b c d
            '\u3000x\u205F'           | ' x '
            a\u200Bb                  | a b
            a\u034F\u180B\u2060\uFEFFb | ab
            \uFF71\uFF9E              | \u30A2\u3099
            \uFB01le                  | file
            caf\u00E9                 | caf\u00E9
            cafe\u0301                | caf\u00E9
            \u0627\u0031\u0628        | \u0627\u0031\u0628
            """)
    void prepares(String password, String expected) {
        assertThat(SaslPrep.prepare(password)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "pure ASCII is kept as is: {0}")
    @ValueSource(strings = {"", "a\u0007b", "tab\there", "\u007F", "  spaces  "})
    void keepsPureAscii(String password) {
        assertThat(SaslPrep.prepare(password)).isSameAs(password);
    }

    @ParameterizedTest(name = "{0} is used unchanged")
    @ValueSource(strings = {
            "\u0007\u00E9",              // ASCII control character (C.2.1) once the string is not pure ASCII
            "\u00E9\u0085",              // non-ASCII control character (C.2.2)
            "\uE000\u00E9",              // private use (C.3)
            "\uFDD0\u00E9",              // non-character (C.4)
            "\u2FF0\u00E9",              // inappropriate for canonical representation (C.7)
            "\u200E\u00E9",              // change display properties (C.8)
            "\uDB40\uDC01\u00E9",        // tagging character U+E0001 (C.9)
            "\u0221\u00E9",              // unassigned in Unicode 3.2 (A.1)
            "\uFF71\uD83D\uDE00",        // U+1F600, assigned after Unicode 3.2: not normalized to \u30A2
            "\u00AD",                    // empty once mapped
            "\u00AD\u200C\uFEFF",
            "\u0627\u0031",              // RandALCat must end the string (RFC 4013 example)
            "a\u05D0\u05D1",             // RandALCat with LCat
            "\u05D0a\u05D1",
            "e\u0340",                   // checked before NFKC, which would give U+00E8, as PostgreSQL does
            "\uD800x\u00E9",             // an unpaired surrogate: invalid UTF-8 for PostgreSQL
    })
    void fallsBackToTheRawPassword(String password) {
        assertThat(SaslPrep.prepare(password)).isSameAs(password);
    }
}
