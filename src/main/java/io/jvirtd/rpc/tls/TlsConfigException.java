package io.jvirtd.rpc.tls;

/**
 * The x509 setup cannot be used: a file is missing or unreadable, or a certificate fails
 * libvirt's sanity check. The message names the file and the problem, in libvirt's words
 * where libvirt has them ("The server certificate /etc/pki/libvirt/servercert.pem has expired").
 */
public final class TlsConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public TlsConfigException(String message) {
        super(message);
    }

    public TlsConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
