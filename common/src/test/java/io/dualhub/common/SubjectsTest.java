package io.dualhub.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two namespaces never overlap: no subject a CentralHub publishes on is covered by any edge's publish
 * permissions, whatever the edge is called — in particular edges named like the hubs' own tokens.
 */
class SubjectsTest {
    /** Edge ids chosen to collide: every token the hubs' subjects use, and the kinds of event an edge sends. */
    private static final List<String> TRICKY_IDS = List.of(
            "lifecycle",
            "heartbeat",
            "gap",
            "alerts",
            "warning",
            "critical",
            "recovery",
            "central",
            "missing",
            "cmd",
            "metrics",
            "metrics-b",
            "events",
            "dualhub",
            "_INBOX",
            "KV",
            "JS",
            "a",
            "main",
            "edge-1");

    private static List<String> hubSubjects(String edgeId) {
        return List.of(
                Subjects.lifecycle(edgeId),
                Subjects.alerts("warning"),
                Subjects.alerts("critical"),
                Subjects.recovery("gap-resend"),
                Subjects.recovery("input-rejected"),
                Subjects.MISSING_RANGES,
                Subjects.command(edgeId));
    }

    @Test
    void noEdgeCanPublishOnAHubSubject() {
        for (String edge : TRICKY_IDS) {
            for (String other : TRICKY_IDS) {
                for (String subject : hubSubjects(other)) {
                    for (String allowed : Subjects.edgePublishes(edge, 3)) {
                        assertThat(matches(allowed, subject))
                                .as("edge %s's permission %s covers hub subject %s", edge, allowed, subject)
                                .isFalse();
                    }
                }
            }
        }
    }

    @Test
    void anEdgesEventsAreItsOwnWhateverItIsCalled() {
        for (String edge : TRICKY_IDS) {
            assertThat(Subjects.edgeOfEvent(Subjects.heartbeat(edge))).isEqualTo(edge);
            assertThat(Subjects.edgeOfEvent(Subjects.gapEvent(edge))).isEqualTo(edge);
            for (String other : TRICKY_IDS) {
                assertThat(matches(Subjects.HEARTBEAT_WILDCARD, Subjects.lifecycle(other)))
                        .as("lifecycle of %s read as a heartbeat", other)
                        .isFalse();
            }
        }
    }

    @Test
    void theMatcherFollowsNatsWildcards() {
        assertThat(matches("a.*.c", "a.b.c")).isTrue();
        assertThat(matches("a.>", "a.b.c")).isTrue();
        assertThat(matches("a.>", "a")).isFalse();
        assertThat(matches("a.*", "a.b.c")).isFalse();
        assertThat(matches("a.b", "a.b")).isTrue();
    }

    /** NATS subject matching: {@code *} is one token, {@code >} one or more at the end. */
    static boolean matches(String pattern, String subject) {
        String[] p = pattern.split("\\.");
        String[] s = subject.split("\\.");
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals(">")) {
                return s.length > i;
            }
            if (i >= s.length || !(p[i].equals("*") || p[i].equals(s[i]))) {
                return false;
            }
        }
        return p.length == s.length;
    }
}
