package io.dualhub.common.cli;

/** Bad usage found while a command runs (a flag's value it cannot use): one line naming the flag, exit status 2. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
