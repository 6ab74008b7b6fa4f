package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirException;

import java.util.function.Supplier;

/**
 * A client's XML parsed before a domain lock is taken, with its error kept for the moment
 * libvirt reports it. libvirt parses snapshot and checkpoint XML with the domain locked, after
 * the domain's own checks; parsing here includes the schema check, whose first use reads the
 * schema files, and no lock is held across I/O. So the work moves out of the lock and only the
 * outcome stays in libvirt's order. Immutable.
 */
final class EarlyParse<T> {

    private final T value;
    private final VirException error;

    private EarlyParse(T value, VirException error) {
        this.value = value;
        this.error = error;
    }

    /** Runs {@code parse} now. */
    static <T> EarlyParse<T> of(Supplier<T> parse) {
        try {
            return new EarlyParse<>(parse.get(), null);
        } catch (VirException e) {
            return new EarlyParse<>(null, e);
        }
    }

    /** The definition, or null when the parse failed (its error waits for {@link #get}). */
    T orNull() {
        return value;
    }

    /** The definition, or the parse error thrown now. */
    T get() {
        if (error != null) {
            throw error;
        }
        return value;
    }
}
