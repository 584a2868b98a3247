// The virtual grain as Salt's Linux detection reaches it: commands first, then /proc and /sys.
import t from 'tap';
import { type VirtualProbe, detectVirtual } from '../../../agent/facts/virtual.ts';

interface Host {
  programs?: Record<string, { code: number; stdout: string }>;
  files?: Record<string, string>;
  dirs?: string[];
  chroot?: boolean;
}

function probe(h: Host, ran: string[][] = []): VirtualProbe {
  const programs = h.programs ?? {};
  return {
    has: (p) => p in programs,
    run: async (argv) => (ran.push(argv), programs[argv[0]] ?? { code: 127, stdout: '' }),
    read: (p) => h.files?.[p],
    isDir: (p) => h.dirs?.includes(p) ?? false,
    isFile: (p) => p in (h.files ?? {}),
    sameRootAsInit: () => !h.chroot,
  };
}

const detect = (h: Host) => detectVirtual(probe(h));

t.test('nothing found: physical', async (t) => {
  t.same(await detect({}), { virtual: 'physical' });
  t.same(await detect({ files: { '/proc/1/cgroup': '0::/\n' } }), { virtual: 'physical' });
});

t.test('systemd-detect-virt as Salt maps it; an answer Salt does not know lets the next command speak', async (t) => {
  const sdv = (stdout: string, code = 0) => ({ 'systemd-detect-virt': { code, stdout } });
  t.same(await detect({ programs: sdv('kvm') }), { virtual: 'kvm' });
  t.same(await detect({ programs: sdv('vmware') }), { virtual: 'VMware' });
  t.same(await detect({ programs: sdv('microsoft') }), { virtual: 'VirtualPC' });
  t.same(await detect({ programs: sdv('lxc') }), { virtual: 'container', virtual_subtype: 'LXC' });
  // non-zero exit (no virtualization) and answers like docker are passed over
  t.same(await detect({ programs: sdv('none', 1) }), { virtual: 'physical' });
  t.same(await detect({ programs: sdv('docker') }), { virtual: 'physical' });
  t.same(await detect({ programs: { ...sdv('docker'), dmidecode: { code: 0, stdout: 'Manufacturer: QEMU\n' } } }), {
    virtual: 'kvm',
  });
});

t.test('virt-what, when installed, is the only command', async (t) => {
  const ran: string[][] = [];
  const h = {
    programs: {
      'virt-what': { code: 0, stdout: 'hyperv' },
      'systemd-detect-virt': { code: 0, stdout: 'kvm' },
    },
  };
  t.same(await detectVirtual(probe(h, ran)), { virtual: 'HyperV' });
  t.same(ran, [['virt-what']]);
  t.same(await detect({ programs: { 'virt-what': { code: 0, stdout: 'xen\nxen-hvm' } } }), { virtual: 'xen' });
});

t.test('dmidecode and lspci', async (t) => {
  const dmi = (stdout: string) => detect({ programs: { dmidecode: { code: 0, stdout } } });
  t.same(await dmi('Product Name: VirtualBox'), { virtual: 'VirtualBox' });
  t.same(await dmi('Manufacturer: oVirt'), { virtual: 'kvm', virtual_subtype: 'ovirt' });
  t.same(await dmi('Manufacturer: Microsoft Corporation\nProduct Name: Virtual Machine'), { virtual: 'VirtualPC' });
  t.same(await dmi('Manufacturer: Dell Inc.'), { virtual: 'physical' });
  const lspci = await detect({
    dirs: ['/proc/bus/pci'],
    programs: { lspci: { code: 0, stdout: '00:03.0 Ethernet controller: Red Hat, Inc. Virtio network device' } },
  });
  t.same(lspci, { virtual: 'kvm' });
  // without /proc/bus/pci, lspci is not asked
  t.same(await detect({ programs: { lspci: { code: 0, stdout: 'QEMU' } } }), { virtual: 'physical' });
});

t.test('files correct the commands: containers, OpenVZ, Xen, QEMU, DMI product names, chroot', async (t) => {
  t.same(await detect({ files: { '/proc/1/cgroup': '12:devices:/docker/0123abcd\n' } }), {
    virtual: 'container',
    virtual_subtype: 'Docker',
  });
  t.same(await detect({ files: { '/proc/1/cgroup': '1:name=systemd:/lxc/c1\n' } }), {
    virtual: 'container',
    virtual_subtype: 'LXC',
  });
  t.same(await detect({ files: { '/proc/1/environ': 'PATH=/bin\0container=lxc\0' } }), {
    virtual: 'container',
    virtual_subtype: 'LXC',
  });
  // a subtype without a type: virtual
  t.same(await detect({ files: { '/proc/1/cgroup': '5:cpu:/kubepods/pod1\n' } }), {
    virtual: 'virtual',
    virtual_subtype: 'kubernetes',
  });
  t.same(await detect({ chroot: true }), { virtual: 'virtual', virtual_subtype: 'chroot' });
  t.same(await detect({ dirs: ['/proc/vz'], files: { '/proc/vz/veinfo': '' } }), { virtual: 'openvzve' });
  t.same(await detect({ files: { '/proc/self/status': 'Name:\tx\nenvID:\t101\n' } }), { virtual: 'openvzve' });
  t.same(await detect({ dirs: ['/proc/xen'], files: { '/proc/xen/capabilities': '' } }), {
    virtual: 'xen',
    virtual_subtype: 'Xen PV DomU',
  });
  t.same(await detect({ files: { '/proc/cpuinfo': 'model name\t: QEMU Virtual CPU version 2.5+\n' } }), {
    virtual: 'kvm',
  });
  t.same(await detect({ files: { '/sys/devices/virtual/dmi/id/product_name': 'Google Compute Engine\n' } }), {
    virtual: 'gce',
  });
});

t.test('on KVM, dmidecode tells an EC2 instance', async (t) => {
  const ran: string[][] = [];
  const h = {
    programs: {
      'systemd-detect-virt': { code: 0, stdout: 'kvm' },
      dmidecode: { code: 0, stdout: 'System Information\n\tManufacturer: Amazon EC2\n\tProduct Name: m5.large\n' },
    },
  };
  t.same(await detectVirtual(probe(h, ran)), { virtual: 'Nitro', virtual_subtype: 'Amazon EC2 (m5.large)' });
  t.same(ran, [['systemd-detect-virt'], ['dmidecode', '-t', 'system']]);
});
