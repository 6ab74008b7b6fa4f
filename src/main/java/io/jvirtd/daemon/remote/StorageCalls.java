package io.jvirtd.daemon.remote;

import static io.jvirtd.protocol.remote.RemoteProcedure.*;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.spi.StorageOps;
import io.jvirtd.model.storage.StoragePoolInfo;
import io.jvirtd.model.storage.StoragePoolRef;
import io.jvirtd.model.storage.StorageVolInfo;
import io.jvirtd.model.storage.StorageVolRef;
import io.jvirtd.protocol.remote.RemoteLimits;
import io.jvirtd.protocol.remote.RemoteTypes.*;

import java.util.List;

/**
 * The remote program's calls on storage pools and volumes, with the public API's checks of libvirt 9.0
 * (libvirt-storage.c) and libvirtd's wire limits before the driver is called. Handles travel as
 * {@link Handles} says; upload and download open a stream ({@link RemoteStreams}). Procedures a driver lacks (wipe, resize, ...)
 * reach the SPI's NO_SUPPORT defaults, after whatever check the public API makes first.
 * Stateless; worker threads.
 */
final class StorageCalls {

    private static final VirErrorDomain S = VirErrorDomain.STORAGE;

    /** VIR_STORAGE_VOL_RESIZE_DELTA. */
    private static final int RESIZE_DELTA = 1;
    /** VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM and VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM. */
    private static final int SPARSE_STREAM = 1;
    /** VIR_STORAGE_VOL_RESIZE_SHRINK. */
    private static final int RESIZE_SHRINK = 1 << 2;

    private StorageCalls() {
    }

    static void bind(ProcedureTable t) {
        listing(t);
        poolLookups(t);
        poolLifecycle(t);
        poolState(t);
        volumes(t);
    }

    private static StorageOps ops(RemoteSession s) {
        return s.connection().storage();
    }


    private static void listing(ProcedureTable t) {
        t.bind(CONNECT_NUM_OF_STORAGE_POOLS, Void.class, ConnectNumOfStoragePoolsRet.class,
                (s, a) -> new ConnectNumOfStoragePoolsRet(ops(s).connectNumOfStoragePools()));
        t.bind(CONNECT_NUM_OF_DEFINED_STORAGE_POOLS, Void.class, ConnectNumOfDefinedStoragePoolsRet.class,
                (s, a) -> new ConnectNumOfDefinedStoragePoolsRet(ops(s).connectNumOfDefinedStoragePools()));
        t.bind(CONNECT_LIST_STORAGE_POOLS, ConnectListStoragePoolsArgs.class, ConnectListStoragePoolsRet.class,
                (s, a) -> {
                    ListArgs.maxnames(a.maxnames(), "REMOTE_STORAGE_POOL_LIST_MAX", RemoteLimits.REMOTE_STORAGE_POOL_LIST_MAX);
                    ApiChecks.nonNegative(a.maxnames(), "maxnames", "virConnectListStoragePools", S);
                    return new ConnectListStoragePoolsRet(ListArgs.first(ops(s).connectListStoragePools(a.maxnames()),
                            a.maxnames()));
                });
        t.bind(CONNECT_LIST_DEFINED_STORAGE_POOLS, ConnectListDefinedStoragePoolsArgs.class,
                ConnectListDefinedStoragePoolsRet.class, (s, a) -> {
                    ListArgs.maxnames(a.maxnames(), "REMOTE_STORAGE_POOL_LIST_MAX", RemoteLimits.REMOTE_STORAGE_POOL_LIST_MAX);
                    ApiChecks.nonNegative(a.maxnames(), "maxnames", "virConnectListDefinedStoragePools", S);
                    return new ConnectListDefinedStoragePoolsRet(ListArgs.first(ops(s).connectListDefinedStoragePools(a.maxnames()),
                            a.maxnames()));
                });
        t.bind(CONNECT_LIST_ALL_STORAGE_POOLS, ConnectListAllStoragePoolsArgs.class,
                ConnectListAllStoragePoolsRet.class, (s, a) -> {
                    if (a.need_results() == 0) {
                        return new ConnectListAllStoragePoolsRet(List.of(), ops(s).connectCountAllStoragePools(a.flags()));
                    }
                    List<StoragePoolRef> pools = ops(s).connectListAllStoragePools(a.flags());
                    ListArgs.tooMany("storage_pools", pools.size(), RemoteLimits.REMOTE_STORAGE_POOL_LIST_MAX);
                    return new ConnectListAllStoragePoolsRet(Handles.wireAll(pools, Handles::wire), pools.size());
                });
        t.bind(CONNECT_FIND_STORAGE_POOL_SOURCES, ConnectFindStoragePoolSourcesArgs.class,
                ConnectFindStoragePoolSourcesRet.class, (s, a) -> new ConnectFindStoragePoolSourcesRet(
                        ops(s).connectFindStoragePoolSources(a.type(), a.srcSpec(), a.flags())));
    }

    private static void poolLookups(ProcedureTable t) {
        t.bind(STORAGE_POOL_LOOKUP_BY_NAME, StoragePoolLookupByNameArgs.class, StoragePoolLookupByNameRet.class,
                (s, a) -> new StoragePoolLookupByNameRet(Handles.wire(ops(s).storagePoolLookupByName(a.name()))));
        t.bind(STORAGE_POOL_LOOKUP_BY_UUID, StoragePoolLookupByUuidArgs.class, StoragePoolLookupByUuidRet.class,
                (s, a) -> new StoragePoolLookupByUuidRet(Handles.wire(ops(s).storagePoolLookupByUUID(a.uuid()))));
        t.bind(STORAGE_POOL_LOOKUP_BY_VOLUME, StoragePoolLookupByVolumeArgs.class,
                StoragePoolLookupByVolumeRet.class, (s, a) -> new StoragePoolLookupByVolumeRet(
                        Handles.wire(ops(s).storagePoolLookupByVolume(Handles.vol(a.vol())))));
        t.bind(STORAGE_POOL_LOOKUP_BY_TARGET_PATH, StoragePoolLookupByTargetPathArgs.class,
                StoragePoolLookupByTargetPathRet.class, (s, a) -> new StoragePoolLookupByTargetPathRet(
                        Handles.wire(ops(s).storagePoolLookupByTargetPath(a.path()))));
    }

    private static void poolLifecycle(ProcedureTable t) {
        t.bind(STORAGE_POOL_CREATE_XML, StoragePoolCreateXmlArgs.class, StoragePoolCreateXmlRet.class,
                (s, a) -> new StoragePoolCreateXmlRet(Handles.wire(ops(s).storagePoolCreateXML(a.xml(), a.flags()))));
        t.bind(STORAGE_POOL_DEFINE_XML, StoragePoolDefineXmlArgs.class, StoragePoolDefineXmlRet.class,
                (s, a) -> new StoragePoolDefineXmlRet(Handles.wire(ops(s).storagePoolDefineXML(a.xml(), a.flags()))));
        t.bind(STORAGE_POOL_BUILD, StoragePoolBuildArgs.class, Void.class, (s, a) -> {
            ops(s).storagePoolBuild(Handles.pool(a.pool()), a.flags());
            return null;
        });
        t.bind(STORAGE_POOL_UNDEFINE, StoragePoolUndefineArgs.class, Void.class, (s, a) -> {
            ops(s).storagePoolUndefine(Handles.pool(a.pool()));
            return null;
        });
        t.bind(STORAGE_POOL_CREATE, StoragePoolCreateArgs.class, Void.class, (s, a) -> {
            ops(s).storagePoolCreate(Handles.pool(a.pool()), a.flags());
            return null;
        });
        t.bind(STORAGE_POOL_DESTROY, StoragePoolDestroyArgs.class, Void.class, (s, a) -> {
            ops(s).storagePoolDestroy(Handles.pool(a.pool()));
            return null;
        });
        t.bind(STORAGE_POOL_DELETE, StoragePoolDeleteArgs.class, Void.class, (s, a) -> {
            ops(s).storagePoolDelete(Handles.pool(a.pool()), a.flags());
            return null;
        });
        t.bind(STORAGE_POOL_REFRESH, StoragePoolRefreshArgs.class, Void.class, (s, a) -> {
            ops(s).storagePoolRefresh(Handles.pool(a.pool()), a.flags());
            return null;
        });
    }

    private static void poolState(ProcedureTable t) {
        t.bind(STORAGE_POOL_GET_INFO, StoragePoolGetInfoArgs.class, StoragePoolGetInfoRet.class, (s, a) -> {
            StoragePoolInfo i = ops(s).storagePoolGetInfo(Handles.pool(a.pool()));
            return new StoragePoolGetInfoRet(i.state(), i.capacity(), i.allocation(), i.available());
        });
        t.bind(STORAGE_POOL_GET_XML_DESC, StoragePoolGetXmlDescArgs.class, StoragePoolGetXmlDescRet.class,
                (s, a) -> new StoragePoolGetXmlDescRet(ops(s).storagePoolGetXMLDesc(Handles.pool(a.pool()), a.flags())));
        t.bind(STORAGE_POOL_GET_AUTOSTART, StoragePoolGetAutostartArgs.class, StoragePoolGetAutostartRet.class,
                (s, a) -> new StoragePoolGetAutostartRet(
                        ops(s).storagePoolGetAutostart(Handles.pool(a.pool())) ? 1 : 0));
        t.bind(STORAGE_POOL_SET_AUTOSTART, StoragePoolSetAutostartArgs.class, Void.class, (s, a) -> {
            ops(s).storagePoolSetAutostart(Handles.pool(a.pool()), a.autostart() != 0);
            return null;
        });
        t.bind(STORAGE_POOL_IS_ACTIVE, StoragePoolIsActiveArgs.class, StoragePoolIsActiveRet.class,
                (s, a) -> new StoragePoolIsActiveRet(ops(s).storagePoolIsActive(Handles.pool(a.pool())) ? 1 : 0));
        t.bind(STORAGE_POOL_IS_PERSISTENT, StoragePoolIsPersistentArgs.class, StoragePoolIsPersistentRet.class,
                (s, a) -> new StoragePoolIsPersistentRet(
                        ops(s).storagePoolIsPersistent(Handles.pool(a.pool())) ? 1 : 0));
        t.bind(STORAGE_POOL_NUM_OF_VOLUMES, StoragePoolNumOfVolumesArgs.class, StoragePoolNumOfVolumesRet.class,
                (s, a) -> new StoragePoolNumOfVolumesRet(ops(s).storagePoolNumOfVolumes(Handles.pool(a.pool()))));
        t.bind(STORAGE_POOL_LIST_VOLUMES, StoragePoolListVolumesArgs.class, StoragePoolListVolumesRet.class,
                (s, a) -> {
                    ListArgs.maxnames(a.maxnames(), "REMOTE_STORAGE_VOL_LIST_MAX", RemoteLimits.REMOTE_STORAGE_VOL_LIST_MAX);
                    ApiChecks.nonNegative(a.maxnames(), "maxnames", "virStoragePoolListVolumes", S);
                    return new StoragePoolListVolumesRet(ListArgs.first(
                            ops(s).storagePoolListVolumes(Handles.pool(a.pool()), a.maxnames()), a.maxnames()));
                });
        t.bind(STORAGE_POOL_LIST_ALL_VOLUMES, StoragePoolListAllVolumesArgs.class,
                StoragePoolListAllVolumesRet.class, (s, a) -> {
                    StoragePoolRef pool = Handles.pool(a.pool());
                    if (a.need_results() == 0) {
                        return new StoragePoolListAllVolumesRet(List.of(),
                                ops(s).storagePoolCountAllVolumes(pool, a.flags()));
                    }
                    List<StorageVolRef> vols = ops(s).storagePoolListAllVolumes(pool, a.flags());
                    ListArgs.tooMany("storage_vols", vols.size(), RemoteLimits.REMOTE_STORAGE_VOL_LIST_MAX);
                    return new StoragePoolListAllVolumesRet(Handles.wireAll(vols, Handles::wire), vols.size());
                });
    }

    private static void volumes(ProcedureTable t) {
        t.bind(STORAGE_VOL_LOOKUP_BY_NAME, StorageVolLookupByNameArgs.class, StorageVolLookupByNameRet.class,
                (s, a) -> new StorageVolLookupByNameRet(
                        Handles.wire(ops(s).storageVolLookupByName(Handles.pool(a.pool()), a.name()))));
        t.bind(STORAGE_VOL_LOOKUP_BY_KEY, StorageVolLookupByKeyArgs.class, StorageVolLookupByKeyRet.class,
                (s, a) -> new StorageVolLookupByKeyRet(Handles.wire(ops(s).storageVolLookupByKey(a.key()))));
        t.bind(STORAGE_VOL_LOOKUP_BY_PATH, StorageVolLookupByPathArgs.class, StorageVolLookupByPathRet.class,
                (s, a) -> new StorageVolLookupByPathRet(Handles.wire(ops(s).storageVolLookupByPath(a.path()))));
        t.bind(STORAGE_VOL_CREATE_XML, StorageVolCreateXmlArgs.class, StorageVolCreateXmlRet.class,
                (s, a) -> new StorageVolCreateXmlRet(Handles.wire(
                        ops(s).storageVolCreateXML(Handles.pool(a.pool()), a.xml(), a.flags()))));
        t.bind(STORAGE_VOL_CREATE_XML_FROM, StorageVolCreateXmlFromArgs.class, StorageVolCreateXmlFromRet.class,
                (s, a) -> new StorageVolCreateXmlFromRet(Handles.wire(ops(s).storageVolCreateXMLFrom(
                        Handles.pool(a.pool()), a.xml(), Handles.vol(a.clonevol()), a.flags()))));
        t.bind(STORAGE_VOL_DELETE, StorageVolDeleteArgs.class, Void.class, (s, a) -> {
            ops(s).storageVolDelete(Handles.vol(a.vol()), a.flags());
            return null;
        });
        t.bind(STORAGE_VOL_WIPE, StorageVolWipeArgs.class, Void.class, (s, a) -> {
            ops(s).storageVolWipe(Handles.vol(a.vol()), a.flags());
            return null;
        });
        t.bind(STORAGE_VOL_WIPE_PATTERN, StorageVolWipePatternArgs.class, Void.class, (s, a) -> {
            ops(s).storageVolWipePattern(Handles.vol(a.vol()), a.algorithm(), a.flags());
            return null;
        });
        t.bind(STORAGE_VOL_RESIZE, StorageVolResizeArgs.class, Void.class, (s, a) -> {
            if (a.capacity() == 0 && (a.flags() & (RESIZE_DELTA | RESIZE_SHRINK)) == 0) {
                throw ApiChecks.invalidArg("capacity", "virStorageVolResize", S,
                        "capacity in virStorageVolResize cannot be zero without 'delta' or 'shrink' flags set");
            }
            ops(s).storageVolResize(Handles.vol(a.vol()), a.capacity(), a.flags());
            return null;
        });
        t.bind(STORAGE_VOL_GET_INFO, StorageVolGetInfoArgs.class, StorageVolGetInfoRet.class, (s, a) -> {
            StorageVolInfo i = ops(s).storageVolGetInfo(Handles.vol(a.vol()));
            return new StorageVolGetInfoRet(i.type(), i.capacity(), i.allocation());
        });
        t.bind(STORAGE_VOL_GET_INFO_FLAGS, StorageVolGetInfoFlagsArgs.class, StorageVolGetInfoFlagsRet.class,
                (s, a) -> {
                    StorageVolInfo i = ops(s).storageVolGetInfoFlags(Handles.vol(a.vol()), a.flags());
                    return new StorageVolGetInfoFlagsRet(i.type(), i.capacity(), i.allocation());
                });
        t.bind(STORAGE_VOL_GET_XML_DESC, StorageVolGetXmlDescArgs.class, StorageVolGetXmlDescRet.class,
                (s, a) -> new StorageVolGetXmlDescRet(ops(s).storageVolGetXMLDesc(Handles.vol(a.vol()), a.flags())));
        t.bind(STORAGE_VOL_GET_PATH, StorageVolGetPathArgs.class, StorageVolGetPathRet.class,
                (s, a) -> new StorageVolGetPathRet(ops(s).storageVolGetPath(Handles.vol(a.vol()))));
        // the data follows the reply as a stream (RemoteStreams)
        t.bind(STORAGE_VOL_UPLOAD, StorageVolUploadArgs.class, Void.class, (s, a) -> {
            s.openStream(ops(s).storageVolUpload(Handles.vol(a.vol()), a.offset(), a.length(), a.flags()), false,
                    (a.flags() & SPARSE_STREAM) != 0);
            return null;
        });
        t.bind(STORAGE_VOL_DOWNLOAD, StorageVolDownloadArgs.class, Void.class, (s, a) -> {
            s.openStream(ops(s).storageVolDownload(Handles.vol(a.vol()), a.offset(), a.length(), a.flags()), true,
                    (a.flags() & SPARSE_STREAM) != 0);
            return null;
        });
        t.bind(CONNECT_GET_STORAGE_POOL_CAPABILITIES, ConnectGetStoragePoolCapabilitiesArgs.class,
                ConnectGetStoragePoolCapabilitiesRet.class, (s, a) -> new ConnectGetStoragePoolCapabilitiesRet(
                        ops(s).connectGetStoragePoolCapabilities(a.flags())));
    }

}
