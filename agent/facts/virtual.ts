// The `virtual` and `virtual_subtype` grains, found the way Salt finds them on Linux: first the
// commands (virt-what when installed, else systemd-detect-virt and dmidecode; lspci when the host
// has a PCI bus), each read as Salt reads it; then the files of /proc and /sys, which may correct
// what the commands said (OpenVZ, Xen, QEMU, DMI product names, LXC and Docker in pid 1's cgroup).
// A host Salt cannot place is `physical`; a host with a subtype but no type is `virtual`.
import type { Grains } from '../protocol.ts';

/** What detection reads from the host; tests give fixtures instead. */
export interface VirtualProbe {
  /** True when the program is on the host's PATH. */
  has(program: string): boolean;
  /** Exit code and output (trimmed) of a command. */
  run(argv: string[]): Promise<{ code: number; stdout: string }>;
  /** A file's text, or undefined when it cannot be read. */
  read(path: string): string | undefined;
  isDir(path: string): boolean;
  isFile(path: string): boolean;
  /** False when `/` is not pid 1's root (a chroot). */
  sameRootAsInit(): boolean;
}

interface Found {
  virtual: string;
  subtype?: string;
}

const DETECT_VIRT_AS_IS = ['qemu', 'kvm', 'oracle', 'xen', 'bochs', 'chroot', 'uml', 'systemd-nspawn'];

/** systemd-detect-virt's answer; undefined lets the next command speak. */
function fromDetectVirt(out: string): Found | undefined {
  if (DETECT_VIRT_AS_IS.includes(out)) return { virtual: out };
  if (out.includes('vmware')) return { virtual: 'VMware' };
  if (out.includes('microsoft')) return { virtual: 'VirtualPC' };
  if (out.includes('lxc')) return { virtual: 'container', subtype: 'LXC' };
  if (out.includes('amazon')) return { virtual: 'Nitro', subtype: 'Amazon EC2' };
  return undefined;
}

const VIRT_WHAT: Array<[(l: string) => boolean, Found]> = [
  [(l) => l.includes('lxc'), { virtual: 'container', subtype: 'LXC' }],
  [(l) => l.includes('vmware'), { virtual: 'VMware' }],
  [(l) => l.includes('parallels'), { virtual: 'Parallels' }],
  [(l) => l.includes('hyperv'), { virtual: 'HyperV' }],
  [(l) => l === 'ibm_power-kvm', { virtual: 'kvm' }],
  [(l) => l === 'ibm_power-lpar_shared', { virtual: 'LPAR', subtype: 'shared' }],
  [(l) => l === 'ibm_power-lpar_dedicated', { virtual: 'LPAR', subtype: 'dedicated' }],
];

/** virt-what's first line that names something Salt knows. */
function fromVirtWhat(out: string, cur: Found): Found {
  for (const line of out.split('\n')) {
    if (['kvm', 'qemu', 'uml', 'xen'].includes(line)) return { ...cur, virtual: line };
    const hit = VIRT_WHAT.find(([test]) => test(line));
    if (hit) return { ...cur, ...hit[1] };
  }
  return cur;
}

const DMI_CHAIN: Array<[(o: string) => boolean, Found]> = [
  [(o) => o.includes('BHYVE'), { virtual: 'bhyve' }],
  [(o) => o.includes('Manufacturer: oVirt'), { virtual: 'kvm', subtype: 'ovirt' }],
  [(o) => o.includes('Product Name: RHEV Hypervisor'), { virtual: 'kvm', subtype: 'rhev' }],
  [(o) => o.includes('VirtualBox'), { virtual: 'VirtualBox' }],
  [(o) => o.includes('VMware'), { virtual: 'VMware' }],
  [(o) => o.includes(': Microsoft') && o.includes('Virtual Machine'), { virtual: 'VirtualPC' }],
  [(o) => o.includes('Parallels Software'), { virtual: 'Parallels' }],
  [(o) => o.includes('Manufacturer: Google'), { virtual: 'kvm' }],
  [(o) => o.includes('Vendor: SeaBIOS'), { virtual: 'kvm' }],
];

function fromDmidecode(out: string, cur: Found): Found {
  let f = cur;
  if (['Vendor: QEMU', 'Manufacturer: QEMU', 'Vendor: Bochs', 'Manufacturer: Bochs'].some((s) => out.includes(s)))
    f = { ...f, virtual: 'kvm' };
  const hit = DMI_CHAIN.find(([test]) => test(out));
  return hit ? { ...f, ...hit[1] } : f;
}

function fromLspci(out: string, cur: Found): Found {
  const m = out.toLowerCase();
  if (m.includes('vmware')) return { ...cur, virtual: 'VMware' };
  if (m.includes('virtualbox')) return { ...cur, virtual: 'VirtualBox' };
  if (m.includes('qemu') || m.includes('virtio')) return { ...cur, virtual: 'kvm' };
  return cur;
}

/** The commands, in Salt's order, until one of them decides. */
async function fromCommands(p: VirtualProbe): Promise<Found> {
  let f: Found = { virtual: 'physical' };
  const cmds = p.has('virt-what') ? ['virt-what'] : ['systemd-detect-virt', 'virt-what', 'dmidecode'];
  if (p.isDir('/proc/bus/pci') || p.isFile('/proc/bus/pci')) cmds.push('lspci');
  for (const cmd of cmds) {
    if (!p.has(cmd)) continue;
    const r = await p.run([cmd]);
    if (r.code > 0) continue;
    if (cmd === 'systemd-detect-virt') {
      const d = fromDetectVirt(r.stdout);
      if (d) return d;
      continue;
    }
    if (cmd === 'virt-what') return fromVirtWhat(r.stdout, f);
    if (cmd === 'dmidecode') return fromDmidecode(r.stdout, f);
    f = fromLspci(r.stdout, f);
    break;
  }
  return f;
}

function xenSubtype(p: VirtualProbe): string | undefined {
  if (!['/proc/sys/xen', '/sys/bus/xen', '/proc/xen'].some((d) => p.isDir(d))) return undefined;
  if (p.isFile('/proc/xen/xsd_kva')) return 'Xen Dom0';
  if ((p.read('/sys/class/dmi/id/product_name') ?? '').trim() === 'HVM domU') return 'Xen HVM DomU';
  const caps = p.read('/proc/xen/capabilities');
  if (caps !== undefined) return caps.includes('control_d') ? 'Xen Dom0' : 'Xen PV DomU';
  if (p.isDir('/sys/bus/xen') && p.isDir('/sys/bus/xen/drivers/xenconsole')) return 'Xen PV DomU';
  return undefined;
}

const PRODUCT_NAMES: Array<[string, Found]> = [
  ['VirtualBox', { virtual: 'VirtualBox' }],
  ['RHEV Hypervisor', { virtual: 'kvm', subtype: 'rhev' }],
  ['oVirt Node', { virtual: 'kvm', subtype: 'ovirt' }],
  ['Google', { virtual: 'gce' }],
  ['BHYVE', { virtual: 'bhyve' }],
];

/** What the files of /proc and /sys add to the commands' answer, in Salt's order. */
function fromFiles(p: VirtualProbe, found: Found): Found {
  let f = { ...found };
  if (!p.sameRootAsInit()) f.subtype = 'chroot';
  if (p.isDir('/proc/vz')) {
    if (p.isFile('/proc/vz/version')) f.virtual = 'openvzhn';
    else if (p.isFile('/proc/vz/veinfo')) f.virtual = 'openvzve';
  }
  for (const line of (p.read('/proc/self/status') ?? '').split('\n')) {
    const m = /^envID:\s+(\d+)$/.exec(line);
    if (m) f.virtual = Number(m[1]) !== 0 ? 'openvzve' : 'openvzhn';
  }
  const xen = xenSubtype(p);
  if (xen) f.subtype = xen;
  if (f.subtype?.toLowerCase().includes('dom')) f.virtual = 'xen';
  if ((p.read('/proc/cpuinfo') ?? '').includes('QEMU Virtual CPU')) f.virtual = 'kvm';
  const product = p.read('/sys/devices/virtual/dmi/id/product_name');
  const hit = product === undefined ? undefined : PRODUCT_NAMES.find(([s]) => product.includes(s));
  if (hit) f = { ...f, ...hit[1] };
  const cgroup = p.read('/proc/1/cgroup');
  if (cgroup !== undefined) {
    if (cgroup.includes(':/lxc/')) f = { virtual: 'container', subtype: 'LXC' };
    else if (cgroup.includes(':/kubepods/')) f.subtype = 'kubernetes';
    else if (cgroup.includes(':/libpod_parent/')) f.subtype = 'libpod';
    else if ([':/system.slice/docker', ':/docker/', ':/docker-ce/'].some((s) => cgroup.includes(s)))
      f = { virtual: 'container', subtype: 'Docker' };
  }
  if (f.subtype !== 'LXC' && (p.read('/proc/1/environ') ?? '').includes('container=lxc'))
    f = { virtual: 'container', subtype: 'LXC' };
  if (f.subtype && f.virtual === 'physical') f.virtual = 'virtual';
  return f;
}

/** On a hypervisor Amazon also uses, dmidecode tells whether this is an EC2 instance. */
async function amazon(p: VirtualProbe, f: Found): Promise<Found> {
  if (!['qemu', 'kvm', 'xen', 'amazon'].includes(f.virtual) || !p.has('dmidecode')) return f;
  const out = (await p.run(['dmidecode', '-t', 'system'])).stdout;
  if (out.includes('Manufacturer: Amazon EC2')) {
    const product = /Product Name: ([^\r\n]*)/.exec(out);
    return {
      virtual: f.virtual === 'xen' ? 'xen' : 'Nitro',
      subtype: product ? `Amazon EC2 (${product[1]})` : 'Amazon EC2',
    };
  }
  if (/Version: [^\r\n]+\.amazon/.test(out)) return { ...f, subtype: 'Amazon EC2' };
  return f;
}

/** `virtual`, and `virtual_subtype` when there is one. */
export async function detectVirtual(p: VirtualProbe): Promise<Grains> {
  const f = await amazon(p, fromFiles(p, await fromCommands(p)));
  return { virtual: f.virtual, ...(f.subtype ? { virtual_subtype: f.subtype } : {}) };
}
