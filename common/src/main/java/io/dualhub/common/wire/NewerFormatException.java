package io.dualhub.common.wire;

/**
 * A message written in a newer version of the wire format than this build reads: not malformed, only ahead of this
 * process. A CentralHub refuses such a message without accounting it as invalid: a newer hub stores it, and this
 * one has it resent by gap repair once upgraded.
 */
public final class NewerFormatException extends WireFormatException {
    public NewerFormatException(String what, int version, int reads) {
        super(what + " version " + version + " is newer than this build reads (up to " + reads + ")");
    }
}
