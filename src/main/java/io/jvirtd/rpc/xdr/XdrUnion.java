package io.jvirtd.rpc.xdr;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a sealed interface as an XDR discriminated union, {@code union switch (int d)}: on the
 * wire a 4-byte discriminant, then the arm. Every permitted subclass must be a record carrying
 * {@link XdrArm}; a {@code void} arm is a record with no components. A discriminant with no arm
 * fails decoding (there is no {@code default:} support; libvirt's unions do not use it).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface XdrUnion {
}
