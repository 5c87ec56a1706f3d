package io.dualhub.central.api;

import io.micronaut.serde.annotation.Serdeable;

/** The JSON body of a refused API request. */
@Serdeable
public record ApiError(String error) {}
