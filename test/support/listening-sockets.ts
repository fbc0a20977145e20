import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A TCP socket in LISTEN state, as the kernel lists it in /proc/net/tcp and /proc/net/tcp6. */
export interface ListeningSocket {
  /** Dotted IPv4 (`127.0.0.1`) or eight full IPv6 groups (`0000:…:0001`). */
  address: string;
  port: number;
  inode: string;
  loopback: boolean;
}

const listenState = '0A';

/** /proc/net/tcp* write each 32-bit word of the address in host (little-endian) byte order. */
function addressBytes(hex: string): number[] {
  const bytes: number[] = [];
  for (let word = 0; word < hex.length; word += 8) {
    for (let byte = 3; byte >= 0; byte -= 1)
      bytes.push(Number.parseInt(hex.slice(word + byte * 2, word + byte * 2 + 2), 16));
  }
  return bytes;
}

function describeAddress(bytes: number[]): { address: string; loopback: boolean } {
  if (bytes.length === 4) return { address: bytes.join('.'), loopback: bytes[0] === 127 };
  const groups = Array.from({ length: 8 }, (_, i) =>
    (((bytes[i * 2] ?? 0) << 8) | (bytes[i * 2 + 1] ?? 0)).toString(16).padStart(4, '0'),
  );
  const v4Mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  const isV6Loopback = bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1;
  return { address: groups.join(':'), loopback: isV6Loopback || (v4Mapped && bytes[12] === 127) };
}

/** Every listening TCP socket on this machine (Linux only: it reads /proc). */
export function listeningSockets(): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local, state, inode] = [fields[1], fields[3], fields[9]];
      if (!local || state !== listenState || !inode) continue;
      const [hex = '', portHex = ''] = local.split(':');
      sockets.push({ ...describeAddress(addressBytes(hex)), port: Number.parseInt(portHex, 16), inode });
    }
  }
  return sockets;
}

/** The socket inodes a process holds open, read from its /proc/<pid>/fd links (`socket:[123]`). */
export function socketInodesOf(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch (error) {
      // A descriptor closed between readdir and readlink is gone: nothing to check there.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match?.[1]) inodes.add(match[1]);
  }
  return inodes;
}
