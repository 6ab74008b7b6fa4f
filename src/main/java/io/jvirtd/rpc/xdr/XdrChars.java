package io.jvirtd.rpc.xdr;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A {@code String} or {@code byte[]} that the .x file declares as an array of {@code char}
 * rather than as a {@code string}/{@code opaque}. rpcgen widens every char to 4 bytes, so
 * {@code char model[32]} is 128 bytes on the wire.
 *
 * <ul>
 *   <li>With {@link XdrFixed}{@code (N)}: exactly N chars, no count. A String is padded with
 *       NULs on encode and loses its trailing NULs on decode; a byte[] of up to N bytes is
 *       padded with NULs and decodes to exactly N bytes.</li>
 *   <li>Otherwise ({@code char x<N>}, bound by {@link XdrMax}): a count, then the chars. A
 *       String is sent as a C string, its terminating NUL counted (libvirt's client strcpy()s
 *       the array), and decodes without trailing NULs; a byte[] travels as is.</li>
 * </ul>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface XdrChars {
}
