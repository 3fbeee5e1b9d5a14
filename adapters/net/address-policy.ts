// Which network addresses a partner-supplied URL may reach. Pure: the outbound module applies it
// to URL literals and to every address a host name resolves to, at connect time.
import ipaddr from 'ipaddr.js';

/**
 * Public unicast addresses only. ipaddr.js classifies every special range of RFC 6890 and friends
 * (loopback, private, link-local — cloud metadata at 169.254.169.254 among them —, carrier-grade
 * NAT, multicast, reserved, benchmarking 198.18.0.0/15, and for IPv6 the IPv4-mapped, NAT64,
 * 6to4, Teredo, unique-local, …): anything but `unicast` is refused, so an IPv4 address cannot
 * slip through inside an IPv6 one. On top of that, addresses that are unicast but internal to a
 * cloud: Azure's wire server and DNS (168.63.129.16).
 */
const DENIED_UNICAST: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [
  ipaddr.parseCIDR('168.63.129.16/32'),
  // IPv4-compatible IPv6 (deprecated, but "::7f00:1" still carries 127.0.0.1) and local-use NAT64,
  // which ipaddr.js counts as plain unicast.
  ipaddr.parseCIDR('::/96'),
  ipaddr.parseCIDR('64:ff9b:1::/48'),
];

export type AddressVerdict = { ok: true; address: string } | { ok: false; reason: string };

/** Normalises any textual IPv4/IPv6 form (with or without brackets) and judges it. */
export function judgeAddress(text: string): AddressVerdict {
  const bare = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(bare);
  } catch {
    return { ok: false, reason: `${text} is not an IP address` };
  }
  // "::ffff:a.b.c.d" and friends are judged as what they carry, then refused anyway by range.
  const range = addr.range();
  if (range !== 'unicast') return { ok: false, reason: `${addr.toString()} is a ${describe(range)} address` };
  for (const [net, bits] of DENIED_UNICAST) {
    if (addr.kind() === net.kind() && addr.match(net, bits))
      return {
        ok: false,
        reason: `${addr.toString()} is a ${addr.kind() === 'ipv4' ? 'cloud-internal' : 'private or special (IPv4-embedding)'} address`,
      };
  }
  return { ok: true, address: addr.toString() };
}

function describe(range: string): string {
  const names: Record<string, string> = {
    loopback: 'loopback',
    private: 'private',
    linkLocal: 'link-local (cloud metadata)',
    uniqueLocal: 'private (unique-local)',
    carrierGradeNat: 'shared (carrier-grade NAT)',
    multicast: 'multicast',
    unspecified: 'unspecified',
    broadcast: 'broadcast',
    reserved: 'reserved',
    benchmarking: 'benchmarking',
    ipv4Mapped: 'IPv4-mapped',
    rfc6052: 'NAT64',
    rfc6145: 'IPv4-translated',
    '6to4': '6to4',
    teredo: 'Teredo',
  };
  return `private or special (${names[range] ?? range})`;
}

export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(host.replace(/^\[|\]$/g, ''));
}
