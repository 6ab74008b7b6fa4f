/**
 * Domain, snapshot and checkpoint XML as libvirt 9.0 keeps them (src/conf/domain_conf.c,
 * domain_postparse.c, snapshot_conf.c, checkpoint_conf.c): parse with libvirt's checks and
 * error texts, defaults from the driver's parser config ({@link
 * io.jvirtd.model.conf.DomainXmlOptions}, libvirt's virDomainXMLOption: the mock host passes
 * the test driver's, the QEMU driver its own), and output that is byte-identical to libvirt's.
 *
 * <h2>Public types</h2>
 * <ul>
 *   <li>{@link io.jvirtd.model.conf.DomainDef}: {@code parse(xml, flags, options)}, {@code format(flags)},
 *       {@code copy()}, {@code copyViaXml(migratable)}, {@code copyMigratable()} (what
 *       {@code copyViaXml(true)} gives, from a deep copy: {@code InactiveCopy}) and the
 *       accessors the drivers use;
 *   <li>{@link io.jvirtd.model.conf.DeviceDef} / {@link io.jvirtd.model.conf.DeviceKind}: one
 *       device, kept as canonical XML ({@link io.jvirtd.model.conf.XmlNode}) with typed helpers;
 *   <li>{@link io.jvirtd.model.conf.SnapshotDef}, {@link io.jvirtd.model.conf.CheckpointDef};
 *   <li>{@link io.jvirtd.model.conf.CpuSet}: libvirt's bitmap strings.
 * </ul>
 *
 * <h2>How it works</h2>
 * Input is first checked with {@link io.jvirtd.model.VirXml} (libvirt's XML error shapes), then
 * read into a libxml2-like tree ({@code XElem}, whitespace dropped as libxml2 does with
 * {@code xmlKeepBlanksDefault(0)}). {@code DomainCanon}/{@code Sections}/{@code Devices} turn it
 * into typed fields and canonical nodes in libvirt's print order, checking values in
 * libvirt's parse order so the first error reported is libvirt's (the device parsers' checks
 * in {@code DeviceChecks}, {@code IfaceChecks}, {@code UsbNone}); {@code PostParse} applies
 * virDomainDefPostParse ({@code DeviceDefaults} for the per-device defaults); then
 * {@code DomainValidate} and {@code DiskValidate} make virDomainDefValidate's checks;
 * {@code DomainFormatter} prints. {@code <metadata>} stays a libxml2
 * tree and is printed as {@code xmlNodeDump} does (double quotes, namespace declarations).
 *
 * <h2>Schemas</h2>
 * With a {@code *_VALIDATE} parse flag (and always for checkpoint XML) the parsers hand the
 * document to a {@link io.jvirtd.model.SchemaValidator} between the well-formedness check and
 * the parse, as libvirt's virXMLParse does; this package never reads a schema itself.
 *
 * <h2>Exact (checked against captured libvirt output in the unit tests)</h2>
 * Identity, title/description/metadata (including virDomainSetMetadata/GetMetadata),
 * memory/maxMemory/currentMemory with units, blkiotune, memtune, memoryBacking, vcpu and
 * {@code <vcpus>}, iothreads/iothreadids, cputune (pins ordered as libvirt keeps them),
 * numatune, resource, sysinfo, os (loader, nvram, kernel boot, boot order default, bootmenu,
 * bios, smbios), features, guest cpu with numa cells, clock and timers, lifecycle actions, pm,
 * perf, seclabel, keywrap; devices: disk (bus guess, drive addresses, libvirt's insertion
 * order), controller (index assignment, implicit ide/fdc/scsi/sata/virtio-serial/ccid),
 * interface (MAC generation/normalisation, dropped vnet/macvtap names), serial/parallel/
 * console/channel (port numbering,
 * console-serial aliasing), input (bus defaults), graphics (vnc/spice/rdp/sdl ports, listens,
 * passwords only with SECURE), video (the driver's default model, vram, primary), memballoon,
 * watchdog, rng, sound, tpm, filesystem, hostdev (usb/pci/scsi), redirdev/redirfilter, hub,
 * lease, panic, shmem, memory, iommu, vsock, smartcard; INACTIVE/SECURE/MIGRATABLE output;
 * snapshot and checkpoint XML including disk alignment.
 *
 * <h2>Approximate</h2>
 * <ul>
 *   <li>Elements are kept in libvirt's order through declarative shapes; for rarely used
 *       device options (e.g. hostdev mdev/scsi_host sources, tpm backends, memory device
 *       sources, disk backingStore/mirror, launchSecurity, cachetune/memorytune, vcpusched)
 *       the content is copied as given instead of being normalised value by value.
 *   <li>libvirt's validation pass (domain_validate.c) is reproduced for the generic checks
 *       (duplicates of disk targets, drive addresses, hostdevs, aliases, virtiofs targets, boot
 *       orders, audio ids; disk, input, redirdev, sound, graphics, IOMMU and video rules), not
 *       for every device option; conformance/virsh/xmlcheck.cmds holds the cases compared
 *       with libvirtd.
 *   <li>The libxml2 wording of well-formedness errors is the JDK's; the shape
 *       ("(domain_definition):LINE: ...") and code/domain are libvirt's.
 *   <li>Elements read from a DOM ({@code fromElement}) lose attribute order, which only shows
 *       in {@code <metadata>} content.
 * </ul>
 *
 * <h2>Threading</h2>
 * Definitions are mutable and not thread-safe. The driver guards each domain's definitions
 * (and its snapshots/checkpoints) with that domain's lock and formats a copy outside the lock.
 * The helper classes are stateless.
 */
package io.jvirtd.model.conf;
