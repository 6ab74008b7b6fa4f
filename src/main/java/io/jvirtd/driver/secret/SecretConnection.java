package io.jvirtd.driver.secret;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirErrorNumber;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.SecretDef;
import io.jvirtd.model.event.SecretEvent;
import io.jvirtd.model.secret.SecretRef;
import io.jvirtd.model.spi.SecretOps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One connection's secret calls ({@code secretHypervisorDriver} of libvirt's secret_driver.c):
 * the flag checks with libvirt's function names, then the shared {@link SecretDriver}. Keeps the
 * event callbacks it registered, so that one connection cannot drop another's and closing drops
 * them all. Thread-safe.
 */
public final class SecretConnection implements SecretOps, AutoCloseable {

    private static final VirErrorDomain S = VirErrorDomain.SECRET;
    private static final int LIST_FILTERS = LIST_EPHEMERAL | LIST_NO_EPHEMERAL | LIST_PRIVATE | LIST_NO_PRIVATE;

    private final SecretDriver driver;
    private final Set<Integer> callbacks = ConcurrentHashMap.newKeySet();

    SecretConnection(SecretDriver driver) {
        this.driver = driver;
    }

    @Override
    public int connectSecretEventRegisterAny(SecretRef filterOrNull, int eventId, Consumer<SecretEvent> listener) {
        byte[] uuid = filterOrNull == null ? null : filterOrNull.uuid();
        int id = driver.events().register(SecretEvent.class, eventId,
                uuid == null ? null : e -> Arrays.equals(uuid, e.secret().uuid()), listener);
        callbacks.add(id);
        return id;
    }

    @Override
    public void connectSecretEventDeregisterAny(int callbackId) {
        if (!callbacks.remove(callbackId)) {
            throw VirException.of(VirErrorNumber.INVALID_ARG, VirErrorDomain.NONE,
                    "could not find event callback " + callbackId + " for deletion");
        }
        driver.events().deregister(callbackId);
    }

    @Override
    public int connectNumOfSecrets() {
        return driver.count();
    }

    @Override
    public List<String> connectListSecrets(int maxuuids) {
        List<String> out = new ArrayList<>();
        for (SecretDef d : driver.all()) {
            if (out.size() >= maxuuids) {
                break;
            }
            out.add(d.uuid());
        }
        return out;
    }

    @Override
    public List<SecretRef> connectListAllSecrets(int flags) {
        VirException.checkFlags(flags, LIST_FILTERS, S, "secretConnectListAllSecrets");
        List<SecretRef> out = new ArrayList<>();
        for (SecretDef d : driver.all()) {
            if (matches(flags, LIST_EPHEMERAL, LIST_NO_EPHEMERAL, d.ephemeral())
                    && matches(flags, LIST_PRIVATE, LIST_NO_PRIVATE, d.isPrivate())) {
                out.add(d.ref());
            }
        }
        return out;
    }

    /** virSecretObjMatch: a filter pair restricts only when one of its bits is given. */
    private static boolean matches(int flags, int yes, int no, boolean value) {
        if ((flags & (yes | no)) == 0) {
            return true;
        }
        return value ? (flags & yes) != 0 : (flags & no) != 0;
    }

    @Override
    public SecretRef secretLookupByUUID(byte[] uuid) {
        return driver.byUuid(uuid).ref();
    }

    @Override
    public SecretRef secretLookupByUsage(int usageType, String usageId) {
        return driver.byUsage(usageType, usageId).ref();
    }

    @Override
    public SecretRef secretDefineXML(String xml, int flags) {
        VirException.checkFlags(flags, DEFINE_VALIDATE, S, "secretDefineXML");
        return driver.define(SecretDef.parse(xml, null, driver.schemas(), (flags & DEFINE_VALIDATE) != 0));
    }

    @Override
    public String secretGetXMLDesc(SecretRef secret, int flags) {
        VirException.checkFlags(flags, 0, S, "secretGetXMLDesc");
        return driver.byUuid(secret.uuid()).format();
    }

    @Override
    public void secretSetValue(SecretRef secret, byte[] value, int flags) {
        VirException.checkFlags(flags, 0, S, "secretSetValue");
        driver.setValue(secret.uuid(), value);
    }

    @Override
    public byte[] secretGetValue(SecretRef secret, int flags) {
        VirException.checkFlags(flags, 0, S, "secretGetValue");
        return driver.value(secret.uuid());
    }

    @Override
    public void secretUndefine(SecretRef secret) {
        driver.undefine(secret.uuid());
    }

    /** Drops this connection's callbacks (the connection closed). */
    @Override
    public void close() {
        for (Integer id : callbacks) {
            if (callbacks.remove(id)) {
                try {
                    driver.events().deregister(id);
                } catch (VirException e) {
                    // already gone: nothing to drop
                }
            }
        }
    }
}
