package io.jvirtd.driver.qemu;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.domain.DomainRef;
import io.jvirtd.model.domain.Screenshot;

/**
 * virDomainScreenshot on the QEMU driver, as qemuDomainScreenshot checks it: flags 0, the domain
 * running, and a video device to take the picture from. This driver does not yet take
 * {@code <video>} devices (QemuSubset refuses them), so every running guest gets libvirt's
 * "no screens to take screenshot from"; QMP {@code screendump} to a PPM
 * ("image/x-portable-pixmap") comes with video support.
 *
 * <p>Stateless; worker threads.
 */
final class QemuScreenshot {

    private QemuScreenshot() {
    }

    static Screenshot take(QemuLifecycle life, DomainRef dom, int screen, int flags) {
        VirException.checkFlags(flags, 0, VirErrorDomain.QEMU, "qemuDomainScreenshot");
        QemuDomain d = life.domains.get(dom);
        synchronized (d) {
            if (d.liveDef == null) {
                throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain is not running");
            }
        }
        throw VirException.operationInvalid(VirErrorDomain.QEMU, "no screens to take screenshot from");
    }
}
