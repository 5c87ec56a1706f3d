package io.dualhub.common.config;

/** Invalid configuration: the message is the one line start-up prints, naming the key, the value and what is valid. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
