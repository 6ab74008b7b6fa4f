package io.jvirtd.rpc.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Just enough DER to turn the private-key files libvirt's docs produce into what the JDK reads:
 * PKCS#1 ("RSA PRIVATE KEY", certtool's default) and SEC1 ("EC PRIVATE KEY") are wrapped into a
 * PKCS#8 PrivateKeyInfo, which {@link java.security.spec.PKCS8EncodedKeySpec} accepts. Reading
 * is bounded by the input (every length is checked against the bytes left), so a corrupt file
 * fails with {@link IllegalArgumentException} instead of a huge allocation. Stateless.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** [0] EXPLICIT, constructed: SEC1's optional curve parameters. */
    static final int CONTEXT_0 = 0xa0;

    /** rsaEncryption 1.2.840.113549.1.1.1 */
    static final byte[] OID_RSA = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    /** id-ecPublicKey 1.2.840.10045.2.1 */
    static final byte[] OID_EC = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private Der() {
    }

    /** One TLV read from a buffer: tag, and the value's offset and length in {@code data}. */
    record Tlv(byte[] data, int tag, int offset, int length) {
        int end() {
            return offset + length;
        }

        byte[] value() {
            return Arrays.copyOfRange(data, offset, end());
        }

        /** The encoding of this TLV, header included. */
        byte[] encoded(int headerStart) {
            return Arrays.copyOfRange(data, headerStart, end());
        }
    }

    /** Reads the TLV at {@code pos}, not beyond {@code limit}. */
    static Tlv read(byte[] data, int pos, int limit) {
        if (pos + 2 > limit) {
            throw new IllegalArgumentException("truncated DER");
        }
        int tag = data[pos++] & 0xff;
        int len = data[pos++] & 0xff;
        if (len >= 0x80) {
            int n = len & 0x7f;
            if (n == 0 || n > 3 || pos + n > limit) {
                throw new IllegalArgumentException("unsupported DER length");
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (data[pos++] & 0xff);
            }
        }
        if (len > limit - pos) {
            throw new IllegalArgumentException("DER length beyond the data");
        }
        return new Tlv(data, tag, pos, len);
    }

    static Tlv expect(byte[] data, int pos, int limit, int tag, String what) {
        Tlv t = read(data, pos, limit);
        if (t.tag() != tag) {
            throw new IllegalArgumentException(what + ": expected DER tag 0x" + Integer.toHexString(tag)
                    + ", found 0x" + Integer.toHexString(t.tag()));
        }
        return t;
    }

    /** PKCS#8 PrivateKeyInfo around a PKCS#1 RSAPrivateKey. */
    static byte[] pkcs8FromPkcs1(byte[] pkcs1) {
        Tlv outer = expect(pkcs1, 0, pkcs1.length, SEQUENCE, "RSA private key");
        if (outer.end() != pkcs1.length) {
            throw new IllegalArgumentException("RSA private key: trailing data");
        }
        byte[] algorithm = seq(tlv(OID, OID_RSA), tlv(NULL, new byte[0]));
        return seq(tlv(INTEGER, new byte[] {0}), algorithm, tlv(OCTET_STRING, pkcs1));
    }

    /**
     * PKCS#8 PrivateKeyInfo around a SEC1 ECPrivateKey; the curve comes from the key's own
     * parameters field, which openssl and certtool always write.
     */
    static byte[] pkcs8FromSec1(byte[] sec1) {
        Tlv outer = expect(sec1, 0, sec1.length, SEQUENCE, "EC private key");
        int pos = outer.offset();
        Tlv version = expect(sec1, pos, outer.end(), INTEGER, "EC private key version");
        pos = version.end();
        Tlv key = expect(sec1, pos, outer.end(), OCTET_STRING, "EC private key");
        pos = key.end();
        byte[] curve = null;
        while (pos < outer.end()) {
            Tlv t = read(sec1, pos, outer.end());
            if (t.tag() == CONTEXT_0) {
                Tlv oid = expect(sec1, t.offset(), t.end(), OID, "EC curve");
                curve = oid.value();
            }
            pos = t.end();
        }
        if (curve == null) {
            throw new IllegalArgumentException("EC private key does not name its curve");
        }
        byte[] algorithm = seq(tlv(OID, OID_EC), tlv(OID, curve));
        return seq(tlv(INTEGER, new byte[] {0}), algorithm, tlv(OCTET_STRING, sec1));
    }

    static byte[] seq(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return tlv(SEQUENCE, b.toByteArray());
    }

    static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(value.length + 6);
        b.write(tag);
        int len = value.length;
        if (len < 0x80) {
            b.write(len);
        } else if (len < 0x100) {
            b.write(0x81);
            b.write(len);
        } else if (len < 0x10000) {
            b.write(0x82);
            b.write(len >> 8);
            b.write(len);
        } else {
            b.write(0x83);
            b.write(len >> 16);
            b.write(len >> 8);
            b.write(len);
        }
        b.writeBytes(value);
        return b.toByteArray();
    }
}
