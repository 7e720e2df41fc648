import { isIP } from 'node:net';

/**
 * The SSRF guard of outbound destinations. A destination URL is checked twice: when it is saved
 * ({@link checkDestinationUrl}: scheme, credentials, fragment, length, a host that is an address literal in a
 * refused range) and at every send, after DNS resolution ({@link resolvedAddressProblem}), because a public
 * name can resolve to a private address (DNS rebinding). Pure: no lookups here.
 */

export const MAX_URL_LENGTH = 2000;

export interface UrlCheckOptions {
  /** The local runtime: `http://127.0.0.1:<port>` and `http://localhost:<port>` (and loopback at send time) pass. */
  readonly allowLocalHttp: boolean;
}

/** [first address, prefix length] of the IPv4 ranges never sent to. */
const REFUSED_IPV4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 3], // multicast 224/4, reserved 240/4, broadcast 255.255.255.255
];

const ipv4Ranges = REFUSED_IPV4.map(([first, bits]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (parseIPv4(first)! & mask) >>> 0, mask };
});

const ipv4Text = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/**
 * An IPv4 host as the WHATWG URL standard reads it (and browsers, curl and `new URL()` with them): one to four
 * dot-separated parts, each decimal, octal (leading 0) or hex (0x); the last part fills the remaining bytes,
 * so `127.1`, `0x7f000001`, `2130706433` and `0177.0.0.1` all name 127.0.0.1. A single trailing dot is
 * ignored. Undefined when the text is not such a literal (or is one out of range).
 */
export function parseIPv4(host: string): number | undefined {
  const parts = host.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0 || parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(part)) n = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) n = parseInt(part.slice(1), 8);
    else if (/^(0|[1-9][0-9]*)$/.test(part)) n = Number(part);
    else return undefined;
    if (!Number.isSafeInteger(n)) return undefined;
    numbers.push(n);
  }
  const last = numbers.pop()!;
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return undefined;
  return numbers.reduce((sum, n, i) => sum + n * 256 ** (3 - i), 0) + last;
}

/**
 * Whether a host is meant as an IPv4 literal by WHATWG's rule: its last label (after one trailing dot) is
 * a number (all digits, or 0x and hex digits). Such a host that does not parse is invalid, not a name.
 */
export function looksLikeIPv4(host: string): boolean {
  const labels = host.split('.');
  if (labels.length > 1 && labels[labels.length - 1] === '') labels.pop();
  return /^([0-9]+|0[xX][0-9a-fA-F]*)$/.test(labels[labels.length - 1] ?? '');
}

/** Eight 16-bit groups of an IPv6 address (brackets and a zone id allowed), or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  const address = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIP(address) !== 6) return undefined;
  let head = address;
  let tail: number[] = [];
  // A dotted IPv4 in the last 32 bits (::ffff:1.2.3.4, ::1.2.3.4).
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) {
    const v4 = parseIPv4(dotted[2]!)!;
    head = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
    tail = [v4 >>> 16, v4 & 0xffff];
  }
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftGroups = groups(left!);
  const rightGroups = [...(right === undefined ? [] : groups(right)), ...tail];
  if (right === undefined) return [...leftGroups, ...tail];
  return [...leftGroups, ...Array<number>(8 - leftGroups.length - rightGroups.length).fill(0), ...rightGroups];
}

function refusedIPv4(n: number): boolean {
  return ipv4Ranges.some(({ base, mask }) => ((n & mask) >>> 0) === base);
}

function refusedIPv6(g: number[]): boolean {
  const embedded = (hi: number, lo: number) => refusedIPv4(((hi << 16) >>> 0) + lo);
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return true; // :: unspecified
  if (zeros(0, 7) && g[7] === 1) return true; // ::1 loopback
  if (zeros(0, 5) && g[5] === 0xffff) return embedded(g[6]!, g[7]!); // ::ffff:a.b.c.d IPv4-mapped
  if (zeros(0, 6)) return embedded(g[6]!, g[7]!); // ::a.b.c.d IPv4-compatible (deprecated)
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return embedded(g[6]!, g[7]!); // ::ffff:0:a.b.c.d IPv4-translated
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return embedded(g[6]!, g[7]!); // 64:ff9b::/96 NAT64
  if (g[0] === 0x2002) return embedded(g[1]!, g[2]!); // 2002::/16 6to4 carries an IPv4
  const first = g[0]!;
  return (
    (first & 0xfe00) === 0xfc00 || // fc00::/7 unique-local
    (first & 0xffc0) === 0xfe80 || // fe80::/10 link-local
    (first & 0xffc0) === 0xfec0 || // fec0::/10 site-local (deprecated)
    (first & 0xff00) === 0xff00 // ff00::/8 multicast
  );
}

/**
 * Whether an address may never be sent to: loopback, private, link-local (cloud metadata), CGNAT, multicast,
 * reserved and broadcast IPv4; IPv6 loopback, unspecified, unique-local, link-local, multicast, and IPv6
 * forms that carry a refused IPv4 (mapped, compatible, NAT64, 6to4). Text that is no address is refused too:
 * the guard fails closed.
 */
export function isRefusedAddress(ip: string): boolean {
  const v6 = parseIPv6(ip);
  if (v6) return refusedIPv6(v6);
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) return refusedIPv4(v4);
  return true;
}

function isLoopback(ip: string): boolean {
  const v6 = parseIPv6(ip);
  if (v6) {
    const zeros = v6.slice(0, 5).every((x) => x === 0);
    return (zeros && v6[5] === 0 && v6[6] === 0 && v6[7] === 1) || (zeros && v6[5] === 0xffff && v6[6]! >>> 8 === 127);
  }
  const v4 = parseIPv4(ip);
  return v4 !== undefined && v4 >>> 24 === 127;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** What is wrong with a destination URL, in words an admin can act on; empty when it may be saved. */
export function checkDestinationUrl(url: string, options: UrlCheckOptions): string[] {
  const problems: string[] = [];
  if (url.length > MAX_URL_LENGTH) return [`The URL is longer than ${MAX_URL_LENGTH} characters`];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return ['The URL is not a valid absolute URL'];
  }
  const host = parsed.hostname;
  const local = options.allowLocalHttp && LOCAL_HOSTS.has(host);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && local)) {
    problems.push(options.allowLocalHttp ? 'The URL must start with https:// (or be http://127.0.0.1:<port> or http://localhost:<port>)' : 'The URL must start with https://');
  }
  if (parsed.username || parsed.password) problems.push('The URL may not contain a user name or password');
  // `new URL('https://a.example/#').hash` is empty: look at the text.
  if (url.includes('#')) problems.push('The URL may not contain a fragment (#…)');
  if (!local && ['http:', 'https:'].includes(parsed.protocol)) {
    const v6 = host.startsWith('[') ? parseIPv6(host) : undefined;
    if (v6) {
      if (refusedIPv6(v6)) problems.push(`The host ${host} is a loopback, private, link-local or reserved address`);
    } else if (looksLikeIPv4(host)) {
      const v4 = parseIPv4(host);
      if (v4 === undefined) problems.push(`The host ${host} is not a valid IPv4 address`);
      else if (refusedIPv4(v4)) problems.push(`The host ${host === ipv4Text(v4) ? host : `${host} (${ipv4Text(v4)})`} is a loopback, private, link-local or reserved address`);
    } else {
      const name = host.replace(/\.$/, '');
      if (name === 'localhost' || name.endsWith('.localhost')) problems.push(`The host ${host} is this machine`);
      else if (!name.includes('.')) problems.push(`The host ${host} is not a fully qualified domain name`);
    }
  }
  return problems;
}

/**
 * The send-time check, after the destination's name is resolved: a problem when it resolved to nothing or
 * to any refused address (one private answer among public ones is enough to refuse: the client may pick it).
 * Undefined when the delivery may go. Connect to one of these very addresses, not to a second lookup's.
 */
export function resolvedAddressProblem(addresses: readonly string[], options: Partial<UrlCheckOptions> = {}): string | undefined {
  if (addresses.length === 0) return 'The host did not resolve to any address';
  const refused = addresses.filter((a) => isRefusedAddress(a) && !(options.allowLocalHttp && isLoopback(a)));
  return refused.length ? `The host resolves to a refused address: ${refused.join(', ')}` : undefined;
}
