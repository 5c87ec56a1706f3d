package io.dualhub.common.config;

/** One documented configuration key: its dotted YAML path, its default (as written in YAML) and what it does. */
public record ConfigKey(String name, String defaultValue, String description) {}
