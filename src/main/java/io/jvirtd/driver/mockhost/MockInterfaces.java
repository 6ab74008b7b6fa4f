package io.jvirtd.driver.mockhost;

import io.jvirtd.model.VirErrorDomain;
import io.jvirtd.model.VirException;
import io.jvirtd.model.conf.InterfaceDef;
import io.jvirtd.model.iface.InterfaceRef;
import io.jvirtd.model.spi.InterfaceOps;

import java.util.List;

/**
 * One connection's view of its host's interfaces: test_driver.c's interface entry points, with
 * their flag checks (reported from VIR_FROM_TEST under the C function's name).
 *
 * <p>Thread safety: worker threads call this concurrently; the state is the host's
 * {@link IfaceList}.
 */
final class MockInterfaces implements InterfaceOps {

    private static final VirErrorDomain T = VirErrorDomain.TEST;

    private final MockHost host;

    MockInterfaces(MockHost host) {
        this.host = host;
    }

    private IfaceList list() {
        return host.interfaces();
    }

    @Override
    public int connectNumOfInterfaces() {
        return list().count(true);
    }

    @Override
    public List<String> connectListInterfaces(int maxnames) {
        return list().names(true, maxnames);
    }

    @Override
    public int connectNumOfDefinedInterfaces() {
        return list().count(false);
    }

    @Override
    public List<String> connectListDefinedInterfaces(int maxnames) {
        return list().names(false, maxnames);
    }

    @Override
    public List<InterfaceRef> connectListAllInterfaces(int flags) {
        VirException.checkFlags(flags, IfaceList.LIST_ACTIVE | IfaceList.LIST_INACTIVE, T,
                "testConnectListAllInterfaces");
        return list().listAll(flags);
    }

    @Override
    public InterfaceRef interfaceLookupByName(String name) {
        return list().lookupByName(name);
    }

    @Override
    public InterfaceRef interfaceLookupByMACString(String mac) {
        return list().lookupByMac(mac);
    }

    @Override
    public String interfaceGetXMLDesc(InterfaceRef iface, int flags) {
        VirException.checkFlags(flags, 0, T, "testInterfaceGetXMLDesc");
        return list().def(iface.name()).format();
    }

    @Override
    public InterfaceRef interfaceDefineXML(String xml, int flags) {
        VirException.checkFlags(flags, InterfaceDef.DEFINE_VALIDATE, T, "testInterfaceDefineXML");
        return list().assign(InterfaceDef.parse(xml, flags, host.schemas()), false);
    }

    @Override
    public void interfaceUndefine(InterfaceRef iface) {
        list().undefine(iface.name());
    }

    @Override
    public void interfaceCreate(InterfaceRef iface, int flags) {
        VirException.checkFlags(flags, 0, T, "testInterfaceCreate");
        list().setActive(iface.name(), true);
    }

    @Override
    public void interfaceDestroy(InterfaceRef iface, int flags) {
        VirException.checkFlags(flags, 0, T, "testInterfaceDestroy");
        list().setActive(iface.name(), false);
    }

    @Override
    public boolean interfaceIsActive(InterfaceRef iface) {
        return list().isActive(iface.name());
    }

    @Override
    public void interfaceChangeBegin(int flags) {
        VirException.checkFlags(flags, 0, T, "testInterfaceChangeBegin");
        list().begin();
    }

    @Override
    public void interfaceChangeCommit(int flags) {
        VirException.checkFlags(flags, 0, T, "testInterfaceChangeCommit");
        list().commit();
    }

    @Override
    public void interfaceChangeRollback(int flags) {
        VirException.checkFlags(flags, 0, T, "testInterfaceChangeRollback");
        list().rollback();
    }
}
