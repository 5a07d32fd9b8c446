package io.pgagroal.admin;

import java.io.Console;

/** The terminal pgagroal-admin asks on when a user name or password was not given as an option. */
interface Prompt {

    /** The answer, or null at the end of the input. */
    String line(String question);

    /** Like {@link #line}, without echoing what is typed. */
    String secret(String question);

    /** The process's console, or null when there is none (input or output redirected). */
    static Prompt console() {
        Console console = System.console();
        if (console == null) {
            return null;
        }
        return new Prompt() {
            @Override
            public String line(String question) {
                return console.readLine("%s", question);
            }

            @Override
            public String secret(String question) {
                char[] answer = console.readPassword("%s", question);
                return answer == null ? null : new String(answer);
            }
        };
    }
}
