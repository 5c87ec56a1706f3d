package io.dualhub.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A hub's base URL as a flag gives it: http:// or https://, without trailing slashes. */
final class HubUrl implements ITypeConverter<String> {
    @Override
    public String convert(String url) {
        if (!url.matches("https?://[^\\s/]+(/.*)?")) {
            throw new TypeConversionException("'" + url + "' is not an http:// or https:// URL");
        }
        return url.replaceAll("/+$", "");
    }
}
