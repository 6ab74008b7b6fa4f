"""What the Linux-guest scripts of the QEMU tests share (python-lifecycle.py,
python-save-restore.py, python-memstats.py import it from their own folder): the names of
libvirt's lifecycle events and details, the guest's domain XML, libvirt's default event loop on
a thread of its own, and the wait for a marker in the guest's serial log.
"""
import threading
import time

import libvirt

EVENTS = {getattr(libvirt, "VIR_DOMAIN_EVENT_" + e): e for e in
          ("DEFINED", "UNDEFINED", "STARTED", "SUSPENDED", "RESUMED", "STOPPED", "SHUTDOWN",
           "PMSUSPENDED", "CRASHED")}
DETAILS = {v: {getattr(libvirt, k): k[len("VIR_DOMAIN_EVENT_" + e + "_"):]
               for k in dir(libvirt) if k.startswith("VIR_DOMAIN_EVENT_" + e + "_")}
           for v, e in EVENTS.items()}


def lifecycle_names(event, detail):
    """('STOPPED', 'DESTROYED') for a lifecycle callback's numbers (the numbers when unknown)."""
    return EVENTS.get(event, str(event)), DETAILS.get(event, {}).get(detail, str(detail))


def linux_guest_xml(name, kernel, initrd, cmdline, serial, devices="", on_poweroff=True):
    """The Linux test guest, 128 MiB, its serial console logged to `serial`; `devices` go
    before the serial port; on_poweroff destroy unless told otherwise."""
    return f"""<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>{kernel}</kernel><initrd>{initrd}</initrd>
    <cmdline>{cmdline}</cmdline></os>
  <features><acpi/></features>
{"  <on_poweroff>destroy</on_poweroff>" + chr(10) if on_poweroff else ""}  <devices>
{devices}    <serial type='pty'><log file='{serial}' append='off'/><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <memballoon model='virtio'/>
  </devices>
</domain>"""


def start_event_loop():
    """libvirt's default event loop, run on a daemon thread (callbacks arrive there)."""
    libvirt.virEventRegisterDefaultImpl()

    def run_loop():
        while True:
            libvirt.virEventRunDefaultImpl()

    threading.Thread(target=run_loop, name="libvirt-event-loop", daemon=True).start()


def serial_has(serial, marker):
    """Whether the serial log file `serial` holds `marker` (bytes) yet."""
    try:
        with open(serial, "rb") as f:
            return marker in f.read()
    except FileNotFoundError:
        return False


def await_marker(serial, marker, seconds):
    """Waits for `marker` in the serial log (QEMU writes it as the guest prints: the file is
    read again every 50 ms); False after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if serial_has(serial, marker):
            return True
        time.sleep(0.05)
    return False
