package io.jvirtd.model.spi;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.event.StoragePoolEvent;
import io.jvirtd.model.storage.StoragePoolInfo;
import io.jvirtd.model.storage.StoragePoolRef;
import io.jvirtd.model.storage.StorageVolInfo;
import io.jvirtd.model.storage.StorageVolRef;
import io.jvirtd.model.stream.DataStream;

import java.util.List;
import java.util.function.Consumer;

/**
 * The storage part of a driver, pools and volumes (libvirt's {@code virStorageDriver}).
 *
 * <p>Reached through {@link HypervisorConnection#storage()}; the same rules apply as there: one
 * method per public libvirt API, named in its doc, every default answering as libvirt does when
 * the driver leaves the slot empty ({@code VIR_ERR_NO_SUPPORT} in domain
 * {@link VirErrorDomain#STORAGE}, where libvirt's public API raises it), thread-safe
 * implementations, {@link VirException} for every failure a client should see.
 */
public interface StorageOps {

    /** A connection without this driver: every call answers NO_SUPPORT. */
    StorageOps NONE = new StorageOps() {
    };

    /** virConnectNumOfStoragePools: active pools. */
    default int connectNumOfStoragePools() {
        throw unsupported("virConnectNumOfStoragePools");
    }

    /** virConnectListStoragePools: names of active pools, at most {@code maxnames}. */
    default List<String> connectListStoragePools(int maxnames) {
        throw unsupported("virConnectListStoragePools");
    }

    /** virConnectNumOfDefinedStoragePools: inactive pools. */
    default int connectNumOfDefinedStoragePools() {
        throw unsupported("virConnectNumOfDefinedStoragePools");
    }

    /** virConnectListDefinedStoragePools: names of inactive pools, at most {@code maxnames}. */
    default List<String> connectListDefinedStoragePools(int maxnames) {
        throw unsupported("virConnectListDefinedStoragePools");
    }

    /**
     * virConnectListAllStoragePools with {@code VIR_CONNECT_LIST_STORAGE_POOLS_*} filters; the
     * count-only form (no results wanted) is {@link #connectCountAllStoragePools}.
     */
    default List<StoragePoolRef> connectListAllStoragePools(int flags) {
        throw unsupported("virConnectListAllStoragePools");
    }

    /** virConnectListAllStoragePools(conn, NULL, flags): the count libvirt gives without results. */
    default int connectCountAllStoragePools(int flags) {
        throw unsupported("virConnectListAllStoragePools");
    }

    /** virConnectFindStoragePoolSources: a {@code <sources>} document. */
    default String connectFindStoragePoolSources(String type, String srcSpecOrNull, int flags) {
        throw unsupported("virConnectFindStoragePoolSources");
    }

    /** virStoragePoolLookupByName. */
    default StoragePoolRef storagePoolLookupByName(String name) {
        throw unsupported("virStoragePoolLookupByName");
    }

    /** virStoragePoolLookupByUUID. */
    default StoragePoolRef storagePoolLookupByUUID(byte[] uuid) {
        throw unsupported("virStoragePoolLookupByUUID");
    }

    /** virStoragePoolLookupByVolume. */
    default StoragePoolRef storagePoolLookupByVolume(StorageVolRef vol) {
        throw unsupported("virStoragePoolLookupByVolume");
    }

    /** virStoragePoolLookupByTargetPath. */
    default StoragePoolRef storagePoolLookupByTargetPath(String path) {
        throw unsupported("virStoragePoolLookupByTargetPath");
    }

    /** virStoragePoolCreateXML: a transient, running pool. */
    default StoragePoolRef storagePoolCreateXML(String xml, int flags) {
        throw unsupported("virStoragePoolCreateXML");
    }

    /** virStoragePoolDefineXML. */
    default StoragePoolRef storagePoolDefineXML(String xml, int flags) {
        throw unsupported("virStoragePoolDefineXML");
    }

    /** virStoragePoolBuild. */
    default void storagePoolBuild(StoragePoolRef pool, int flags) {
        throw unsupported("virStoragePoolBuild");
    }

    /** virStoragePoolUndefine. */
    default void storagePoolUndefine(StoragePoolRef pool) {
        throw unsupported("virStoragePoolUndefine");
    }

    /** virStoragePoolCreate: starts a defined pool. */
    default void storagePoolCreate(StoragePoolRef pool, int flags) {
        throw unsupported("virStoragePoolCreate");
    }

    /** virStoragePoolDestroy. */
    default void storagePoolDestroy(StoragePoolRef pool) {
        throw unsupported("virStoragePoolDestroy");
    }

    /** virStoragePoolDelete. */
    default void storagePoolDelete(StoragePoolRef pool, int flags) {
        throw unsupported("virStoragePoolDelete");
    }

    /** virStoragePoolRefresh. */
    default void storagePoolRefresh(StoragePoolRef pool, int flags) {
        throw unsupported("virStoragePoolRefresh");
    }

    /** virStoragePoolGetInfo. */
    default StoragePoolInfo storagePoolGetInfo(StoragePoolRef pool) {
        throw unsupported("virStoragePoolGetInfo");
    }

    /** virStoragePoolGetXMLDesc. */
    default String storagePoolGetXMLDesc(StoragePoolRef pool, int flags) {
        throw unsupported("virStoragePoolGetXMLDesc");
    }

    /** virStoragePoolGetAutostart. */
    default boolean storagePoolGetAutostart(StoragePoolRef pool) {
        throw unsupported("virStoragePoolGetAutostart");
    }

    /** virStoragePoolSetAutostart. */
    default void storagePoolSetAutostart(StoragePoolRef pool, boolean autostart) {
        throw unsupported("virStoragePoolSetAutostart");
    }

    /** virStoragePoolNumOfVolumes. */
    default int storagePoolNumOfVolumes(StoragePoolRef pool) {
        throw unsupported("virStoragePoolNumOfVolumes");
    }

    /** virStoragePoolListVolumes: at most {@code maxnames} names. */
    default List<String> storagePoolListVolumes(StoragePoolRef pool, int maxnames) {
        throw unsupported("virStoragePoolListVolumes");
    }

    /** virStoragePoolListAllVolumes. */
    default List<StorageVolRef> storagePoolListAllVolumes(StoragePoolRef pool, int flags) {
        throw unsupported("virStoragePoolListAllVolumes");
    }

    /** virStoragePoolListAllVolumes(pool, NULL, flags): the count libvirt gives without results. */
    default int storagePoolCountAllVolumes(StoragePoolRef pool, int flags) {
        throw unsupported("virStoragePoolListAllVolumes");
    }

    /** virStoragePoolIsActive. */
    default boolean storagePoolIsActive(StoragePoolRef pool) {
        throw unsupported("virStoragePoolIsActive");
    }

    /** virStoragePoolIsPersistent. */
    default boolean storagePoolIsPersistent(StoragePoolRef pool) {
        throw unsupported("virStoragePoolIsPersistent");
    }

    /** virStorageVolLookupByName. */
    default StorageVolRef storageVolLookupByName(StoragePoolRef pool, String name) {
        throw unsupported("virStorageVolLookupByName");
    }

    /** virStorageVolLookupByKey. */
    default StorageVolRef storageVolLookupByKey(String key) {
        throw unsupported("virStorageVolLookupByKey");
    }

    /** virStorageVolLookupByPath. */
    default StorageVolRef storageVolLookupByPath(String path) {
        throw unsupported("virStorageVolLookupByPath");
    }

    /** virStorageVolCreateXML. */
    default StorageVolRef storageVolCreateXML(StoragePoolRef pool, String xml, int flags) {
        throw unsupported("virStorageVolCreateXML");
    }

    /** virStorageVolCreateXMLFrom. */
    default StorageVolRef storageVolCreateXMLFrom(StoragePoolRef pool, String xml, StorageVolRef clone, int flags) {
        throw unsupported("virStorageVolCreateXMLFrom");
    }

    /** virStorageVolDelete. */
    default void storageVolDelete(StorageVolRef vol, int flags) {
        throw unsupported("virStorageVolDelete");
    }

    /** virStorageVolWipe. */
    default void storageVolWipe(StorageVolRef vol, int flags) {
        throw unsupported("virStorageVolWipe");
    }

    /** virStorageVolWipePattern. */
    default void storageVolWipePattern(StorageVolRef vol, int algorithm, int flags) {
        throw unsupported("virStorageVolWipePattern");
    }

    /** virStorageVolGetInfo. */
    default StorageVolInfo storageVolGetInfo(StorageVolRef vol) {
        throw unsupported("virStorageVolGetInfo");
    }

    /** virStorageVolGetInfoFlags. */
    default StorageVolInfo storageVolGetInfoFlags(StorageVolRef vol, int flags) {
        throw unsupported("virStorageVolGetInfoFlags");
    }

    /** virStorageVolGetXMLDesc. */
    default String storageVolGetXMLDesc(StorageVolRef vol, int flags) {
        throw unsupported("virStorageVolGetXMLDesc");
    }

    /** virStorageVolGetPath. */
    default String storageVolGetPath(StorageVolRef vol) {
        throw unsupported("virStorageVolGetPath");
    }

    /** virStorageVolResize. */
    default void storageVolResize(StorageVolRef vol, long capacity, int flags) {
        throw unsupported("virStorageVolResize");
    }

    /**
     * virStorageVolUpload: a stream that writes the volume from {@code offset}, at most
     * {@code length} bytes (0: no limit); with VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM holes come
     * as holes. The daemon moves the client's data into it after the call's reply.
     */
    default DataStream storageVolUpload(StorageVolRef vol, long offset, long length, int flags) {
        throw unsupported("virStorageVolUpload");
    }

    /**
     * virStorageVolDownload: a stream that reads the volume from {@code offset}, at most
     * {@code length} bytes (0: to the end); with VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM it
     * reports holes.
     */
    default DataStream storageVolDownload(StorageVolRef vol, long offset, long length, int flags) {
        throw unsupported("virStorageVolDownload");
    }

    /** virConnectGetStoragePoolCapabilities. */
    default String connectGetStoragePoolCapabilities(int flags) {
        throw unsupported("virConnectGetStoragePoolCapabilities");
    }

    /**
     * virConnectStoragePoolEventRegisterAny: registers {@code listener} for events {@code eventId} about {@code filterOrNull}'s
     * object, or about every object when null. The daemon checks the id range first.
     *
     * @return the callback id, from the same sequence as domain callbacks (libvirt's one event
     *         state per host)
     */
    default int connectStoragePoolEventRegisterAny(StoragePoolRef filterOrNull, int eventId, Consumer<StoragePoolEvent> listener) {
        throw unsupported("virConnectStoragePoolEventRegisterAny");
    }

    /** virConnectStoragePoolEventDeregisterAny: a callback of this connection. */
    default void connectStoragePoolEventDeregisterAny(int callbackId) {
        throw unsupported("virConnectStoragePoolEventDeregisterAny");
    }

    /** The NO_SUPPORT error libvirt's public API raises for a call the driver lacks. */
    static VirException unsupported(String apiName) {
        return VirException.noSupport(VirErrorDomain.STORAGE, apiName);
    }
}
