package io.dualhub.central.analysis;

/** Durations as people read them in an alert: "3 h 10 m", "2 d 4 h", "45 s". */
final class Durations {
    private Durations() {}

    static String human(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " m";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h " + seconds % 3600 / 60 + " m";
        }
        return seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h";
    }
}
