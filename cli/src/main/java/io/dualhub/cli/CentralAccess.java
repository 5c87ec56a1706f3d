package io.dualhub.cli;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * How a command reaches CentralHubs' HTTP APIs: their URLs (one per group of a partitioned site, comma-separated),
 * the API token and the CA of an https:// hub. Mixed into each command that reads a CentralHub, so they all take the
 * same three flags with the same defaults.
 */
final class CentralAccess {
    static final String DEFAULT_CENTRAL = "http://127.0.0.1:8470";

    @Option(
            names = "--central",
            paramLabel = "URL",
            split = ",",
            defaultValue = DEFAULT_CENTRAL,
            converter = HubUrl.class,
            description =
                    "the CentralHub's HTTP API (default: ${DEFAULT-VALUE}); for status, one per group, comma-separated")
    List<String> urls;

    @Option(
            names = "--token",
            paramLabel = "T",
            defaultValue = "${env:DUALHUB_TOKEN}",
            description = "the API token, when the hub requires one (default: $DUALHUB_TOKEN)")
    String token;

    @Option(
            names = "--ca",
            paramLabel = "FILE",
            defaultValue = "${env:DUALHUB_CA}",
            description = "the CA that signed an https:// hub's certificate (default: $DUALHUB_CA)")
    String ca;
}
