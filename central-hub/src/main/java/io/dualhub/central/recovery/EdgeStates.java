package io.dualhub.central.recovery;

import io.dualhub.central.lifecycle.AgentLifecycleManager;
import io.dualhub.central.lifecycle.LifecycleState;
import java.util.Set;

/** What the recovery playbooks read of the edges' lifecycle: {@link AgentLifecycleManager}'s view, or a test's. */
interface EdgeStates {
    /** True once the whole registry was read: before that, states are first guesses, not changes to act on. */
    boolean ready();

    Set<String> edges();

    LifecycleState state(String edge);

    static EdgeStates of(AgentLifecycleManager lifecycle) {
        return new EdgeStates() {
            @Override
            public boolean ready() {
                return lifecycle.ready();
            }

            @Override
            public Set<String> edges() {
                return lifecycle.edges();
            }

            @Override
            public LifecycleState state(String edge) {
                return lifecycle.state(edge);
            }
        };
    }
}
