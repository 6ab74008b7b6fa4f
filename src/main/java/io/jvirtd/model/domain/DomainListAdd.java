package io.jvirtd.model.domain;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;

import java.util.Arrays;

/**
 * libvirt's virDomainObjListAddLocked refusals (src/conf/virdomainobjlist.c), for every
 * driver's domain list: a new definition meets the domain that holds its UUID (checked first)
 * or its name. Stateless.
 */
public final class DomainListAdd {

    private DomainListAdd() {
    }

    /**
     * Throws libvirt's error unless a definition named {@code name} with {@code uuid} may be
     * given to the existing domain {@code otherName}/{@code otherUuid}.
     *
     * @param checkLive VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE (a create): the existing domain must
     *                  be neither running nor a transient one being started
     */
    public static void check(String name, byte[] uuid, String otherName, byte[] otherUuid, boolean checkLive,
                             boolean otherActive, boolean otherPersistent) {
        if (!Arrays.equals(uuid, otherUuid)) {
            throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.DOMAIN,
                    "domain '" + name + "' already exists with uuid " + Uuids.format(otherUuid));
        }
        if (!otherName.equals(name)) {
            throw VirException.of(VirErrorNumber.OPERATION_FAILED, VirErrorDomain.DOMAIN,
                    "domain '" + otherName + "' is already defined with uuid " + Uuids.format(otherUuid));
        }
        if (checkLive && otherActive) {
            throw VirException.operationInvalid(VirErrorDomain.DOMAIN, "domain '" + otherName + "' is already active");
        }
        if (checkLive && !otherPersistent) {
            throw VirException.operationInvalid(VirErrorDomain.DOMAIN,
                    "domain '" + otherName + "' is already being started");
        }
    }
}
