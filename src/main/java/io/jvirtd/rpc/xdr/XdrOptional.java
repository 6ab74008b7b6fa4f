package io.jvirtd.rpc.xdr;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An XDR pointer, {@code T *x} (libvirt's {@code remote_string}, {@code remote_domain}, ...):
 * a 4-byte flag, then the value only when the flag is 1. Java {@code null} means absent.
 * Not allowed on primitive components, which cannot be null.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface XdrOptional {
}
