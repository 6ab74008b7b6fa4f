package io.jvirtd.rpc.xdr;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A fixed-size item, {@code [N]} in the .x file: a {@code byte[]} is {@code opaque x[N]}
 * (N bytes plus padding, no count, e.g. a UUID of 16), and together with {@link XdrChars} a
 * {@code char x[N]}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface XdrFixed {
    int value();
}
