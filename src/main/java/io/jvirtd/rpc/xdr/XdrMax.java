package io.jvirtd.rpc.xdr;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The {@code <N>} bound of a variable-length item: bytes of a {@code string} or {@code opaque},
 * elements of a variable array ({@code List}), chars of an {@link XdrChars} array. Decoding
 * checks it before allocating; encoding refuses values over it. Required on lists; strings and
 * opaques default to 4194304 (REMOTE_STRING_MAX).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface XdrMax {
    int value();
}
