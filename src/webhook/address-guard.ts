/**
 * The address check of customer URLs: which networks they may never reach, a `lookup` for `net.connect` that
 * resolves a host once, refuses it when any of its addresses is denied, and hands exactly the checked addresses to
 * the socket (so nothing can re-resolve between the check and the connect), and the same check for URLs that
 * FreeSWITCH fetches itself.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction as NetLookupFunction } from 'node:net';
import { ConfigError } from '../errors.js';
import { DeniedAddressError } from './webhook-error.js';

/** Resolves a host name to all of its addresses (the shape of `dns.lookup` with `all: true`). Injectable. */
export type LookupFunction = (hostname: string) => Promise<readonly LookupAddress[]>;

/**
 * Networks denied by default: "this network", link-local (which holds the cloud metadata services), the metadata
 * addresses that live elsewhere, multicast, reserved/broadcast, and the unspecified IPv6 address. Loopback and private
 * ranges are allowed here (see {@link PRIVATE_NETWORKS}); a production configuration should deny them too.
 */
export const DEFAULT_DENIED_NETWORKS: readonly string[] = Object.freeze([
  '0.0.0.0/8',
  '169.254.0.0/16',
  '100.100.100.200/32',
  '192.0.0.192/32',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  'fe80::/10',
  'fd00:ec2::254/128',
  'ff00::/8',
]);

/** Loopback, RFC 1918, shared (CGNAT) and unique-local networks: add these to the deny list in production. */
export const PRIVATE_NETWORKS: readonly string[] = Object.freeze([
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '::1/128',
  'fc00::/7',
]);

/**
 * Builds a deny list from CIDR strings (`a.b.c.d/n`, `x:y::z/n`; a bare address means one host).
 * @throws ConfigError when an entry is not a valid network.
 */
export function createDenyList(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of networks) {
    const [address = '', prefixText, extra] = entry.trim().split('/');
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (family === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new ConfigError(`webhook deny list: "${entry}" is not a network in CIDR notation`);
    }
    list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

/**
 * Tells whether `ip` lies in a denied network. IPv4-mapped IPv6 addresses are matched against IPv4 networks too.
 * Anything that is not an IP address counts as denied. Pure: nothing is sent anywhere.
 * @example
 * isDeniedAddress('169.254.169.254', createDenyList(DEFAULT_DENIED_NETWORKS)); // true
 */
export function isDeniedAddress(ip: string, denyList: BlockList): boolean {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const family = isIP(bare);
  if (family === 0) return true;
  return denyList.check(bare, family === 6 ? 'ipv6' : 'ipv4');
}

/** `dns.lookup` with `all: true`, in the order the resolver gives. */
export const systemLookup: LookupFunction = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

/**
 * Resolves `hostname` through `lookup` and checks every address: rejects with {@link DeniedAddressError} when any one
 * of them is denied, and with the lookup's own error when it fails. An IP literal (`[::1]` included) is checked
 * without a lookup. Resolves with the checked addresses (never an empty list).
 */
export async function resolveAllowed(hostname: string, lookup: LookupFunction, denyList: BlockList):
  Promise<readonly LookupAddress[]> {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const family = isIP(bare);
  if (family !== 0) {
    if (isDeniedAddress(bare, denyList)) throw new DeniedAddressError(hostname, bare);
    return [{ address: bare, family }];
  }
  const addresses = await lookup(hostname);
  const denied = addresses.find((a) => isDeniedAddress(a.address, denyList));
  if (denied) throw new DeniedAddressError(hostname, denied.address);
  if (addresses.length === 0) throw notFound(hostname);
  return addresses;
}

/**
 * Wraps `lookup` as the `lookup` option of `net.connect`: every address of the host is checked, and the host is
 * refused with {@link DeniedAddressError} when any one of them is denied. The socket then connects to the checked
 * addresses only.
 */
export function createGuardedLookup(lookup: LookupFunction, denyList: BlockList): NetLookupFunction {
  return (hostname, options, callback) => {
    resolveAllowed(hostname, lookup, denyList).then(
      (addresses) => {
        const wanted = familyNumber(options.family);
        const usable = addresses.filter((a) => wanted === 0 || a.family === wanted);
        const first = usable[0];
        if (!first) return callback(notFound(hostname), '', 0);
        if (options.all) return callback(null, usable.map((a) => ({ address: a.address, family: a.family })));
        return callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

/** Options of {@link AddressChecker}. */
export interface AddressCheckerOptions {
  /** Networks (CIDR) no customer URL may reach. Default {@link DEFAULT_DENIED_NETWORKS}. */
  readonly denyList?: readonly string[];
  /** Resolves host names. Default {@link systemLookup}. */
  readonly lookup?: LookupFunction;
}

/**
 * The one address check of a server, built once from the configuration: the webhook dispatcher connects through
 * it, and the engine asks it about the URLs FreeSWITCH fetches itself (`<Play>` audio, hold music). It keeps no
 * cache: each `resolve` asks `lookup` again.
 * @example
 * const addresses = new AddressChecker({ denyList: [...DEFAULT_DENIED_NETWORKS, ...PRIVATE_NETWORKS] });
 * await addresses.resolve('cdn.example.com'); // rejects with DeniedAddressError for a private address
 */
export class AddressChecker {
  readonly denyList: BlockList;
  readonly lookup: LookupFunction;

  /** @throws ConfigError when a network of the deny list is not valid. */
  constructor(options: AddressCheckerOptions = {}) {
    this.denyList = createDenyList(options.denyList ?? DEFAULT_DENIED_NETWORKS);
    this.lookup = options.lookup ?? systemLookup;
  }

  /** Whether `ip` (an address, not a name) is denied. */
  isDenied(ip: string): boolean {
    return isDeniedAddress(ip, this.denyList);
  }

  /** {@link resolveAllowed} with this checker's lookup and deny list. */
  resolve(hostname: string): Promise<readonly LookupAddress[]> {
    return resolveAllowed(hostname, this.lookup, this.denyList);
  }
}

function familyNumber(family: number | string | undefined): number {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

function notFound(hostname: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`no usable address for ${hostname}`);
  err.code = 'ENOTFOUND';
  err.syscall = 'getaddrinfo';
  return err;
}
