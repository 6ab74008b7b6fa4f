package io.jvirtd.model.event;

import io.jvirtd.model.secret.SecretRef;

import java.util.Objects;

/**
 * A secret event of libvirt 9.0: {@code VIR_SECRET_EVENT_ID_LIFECYCLE} (defined 0, undefined 1,
 * detail 0) or {@code VIR_SECRET_EVENT_ID_VALUE_CHANGED}. Immutable.
 */
public sealed interface SecretEvent extends ObjectEvent {

    int ID_LIFECYCLE = 0;
    int ID_VALUE_CHANGED = 1;
    /** {@code VIR_SECRET_EVENT_ID_LAST} in libvirt 9.0. */
    int ID_LAST = 2;

    int DEFINED = 0;
    int UNDEFINED = 1;

    SecretRef secret();

    /** A secret was defined or undefined. */
    record Lifecycle(SecretRef secret, int event, int detail) implements SecretEvent {
        public Lifecycle {
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public int eventId() {
            return ID_LIFECYCLE;
        }
    }

    /** A secret's value was set. */
    record ValueChanged(SecretRef secret) implements SecretEvent {
        public ValueChanged {
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public int eventId() {
            return ID_VALUE_CHANGED;
        }
    }
}
