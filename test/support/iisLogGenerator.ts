// SYNTHETIC IIS W3C logs of an Exchange server, with exact ground truth (the project's own
// generator; its design follows the reference generator the project started from, and the same seed
// and options give byte-identical files).
//
// Everything written is made up (seeded PRNG); nothing comes from a real server. Each header block
// carries a `#Remark: SYNTHETIC ...` directive (a W3C directive parsers must tolerate).
//
// In a test:   const truth = generateIisLog({ out: join(dir, 'u_ex261121.log'), size: '3M', seed: 11 });
// On a shell:  node --import tsx test/support/iisLogGenerator.ts --size 1G --out "$TMPDIR/u_ex261121.log" --seed 42
//
// Options (CLI flag / option, default):
//   --size N[k|M|G]          size       stop after the line that reaches N bytes [100M]
//   --out FILE               out        the log [u_ex261121.log]
//   --truth FILE             truth      sidecar JSON with exact counts [FILE.truth.json]
//   --seed N                 seed       PRNG seed [1]
//   --date YYYY-MM-DD        date       the day the log covers [2026-11-21]
//   --bad-bindings-rate R    badBindingsRate   NTLM handshakes ending 401 1 2148074310 (10 % as 3221226331) [0.001]
//   --logon-denied-rate R    logonDeniedRate   ending 401 1 2148074252 [0.002]
//   --invalid-token-rate R   invalidTokenRate  ending 401 1 2148074248 [0.0005]
//   --abandon-rate R         abandonRate       stopping after the 401 1 2148074254 challenge [0.003]
//   --layout-change F        layoutChange      IIS restarts with another #Fields at this fraction (0 = never) [0.5]
//   --restart-at F           restartAt         an identical header block here (0 = never) [0.25]
//   --garbage N              garbage           N malformed lines (binary junk, a cut line, an extra field) [0]
//   --lf                     lf                LF line ends (IIS writes CRLF, the default)
//
// Truth (`*.truth.json`): bytes, lines (physical), headerLines, requests, layouts (line of each
// #Fields), malformedLines, status, statusSub ("401.1"), win32, win32Of401, findings
// (BAD_BINDINGS, INVALID_TOKEN, LOGON_DENIED, MALFORMED_LINE), findingLines per code (count,
// lineSum = sum of 1-based lines, first = the first 2000 lines, last), handshakes (what the
// generator did) and handshakeGroups (c-ip + cs-uri-stem over the whole file on NTLM/Negotiate
// endpoints with a 401.1/401.2 leg, and how many never see a non-401).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface IisLogOptions {
  out: string;
  truth?: string;
  size?: number | string;
  seed?: number;
  date?: string;
  badBindingsRate?: number;
  logonDeniedRate?: number;
  invalidTokenRate?: number;
  abandonRate?: number;
  layoutChange?: number;
  restartAt?: number;
  garbage?: number;
  lf?: boolean;
  /** Write the truth sidecar (default true). */
  writeTruth?: boolean;
}

export interface FindingLines {
  count: number;
  lineSum: number;
  first: number[];
  last: number;
}
export type TruthFindingCode = 'BAD_BINDINGS' | 'INVALID_TOKEN' | 'LOGON_DENIED';
export interface IisLogTruth {
  synthetic: true;
  generator: string;
  note: string;
  file: string;
  options: Record<string, number | string>;
  bytes: number;
  lines: number;
  headerLines: number;
  requests: number;
  layouts: { line: number; fields: string }[];
  malformedLines: number[];
  status: Record<string, number>;
  statusSub: Record<string, number>;
  win32: Record<string, number>;
  win32Of401: Record<string, number>;
  /** BAD_BINDINGS, INVALID_TOKEN, LOGON_DENIED, MALFORMED_LINE */
  findings: Record<string, number>;
  /** BAD_BINDINGS, INVALID_TOKEN, LOGON_DENIED */
  findingLines: Record<string, FindingLines>;
  badBindingsCount: number;
  handshakes: {
    started: number;
    ntlm: number;
    kerberos: number;
    succeeded: number;
    badBindings: number;
    badBindingsAsNtStatus: number;
    logonDenied: number;
    invalidToken: number;
    abandoned: number;
    basicFailed: number;
  };
  handshakeGroups: { key: string; withAuthLeg: number; withoutSuccess: number };
}

/** `600k`, `3M`, `1G`, `1.5M`, or a byte count. */
export function parseSize(s: number | string): number {
  if (typeof s === 'number') return s;
  const m = /^(\d+(?:\.\d+)?)([kKmMgG]?)[bB]?$/.exec(s);
  if (!m) throw new Error(`bad size ${s} (N, Nk, NM or NG)`);
  const mult = ({ '': 1, k: 1024, m: 1048576, g: 1073741824 } as Record<string, number>)[m[2].toLowerCase()];
  return Math.round(parseFloat(m[1]) * mult);
}

/** mulberry32: deterministic on every platform. */
export class Prng {
  private st: number;
  constructor(seed: number) {
    this.st = seed >>> 0 || 0x9e3779b9;
  }
  u32(): number {
    this.st = (this.st + 0x6d2b79f5) | 0;
    let t = Math.imul(this.st ^ (this.st >>> 15), 1 | this.st);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  }
  f(): number {
    return this.u32() / 4294967296;
  }
  i(n: number): number {
    return Math.floor(this.f() * n);
  }
  pick<T>(a: readonly T[]): T {
    return a[this.i(a.length)];
  }
  weighted<T>(items: readonly [number, T][]): () => T {
    const cum: number[] = [];
    let s = 0;
    for (const [w] of items) {
      s += w;
      cum.push(s);
    }
    return () => {
      const x = this.f() * s;
      let i = 0;
      while (cum[i] <= x) i++;
      return items[i][1];
    };
  }
}

type Auth = 'ntlm' | 'kerb' | 'basic' | 'fba' | 'anon';
type Client = 'outlook' | 'ews' | 'eas' | 'browser' | 'rpc' | 'winrm' | 'mrs' | 'probe';
interface Endpoint {
  stem: string | null;
  method: string;
  auth: Auth;
  client: Client;
}
/** One request line: s-ip, method, stem, query, user, c-ip, user agent, status, sub, win32, ms, NTLM endpoint?, X-Forwarded-For. */
type Req = [string, string, string, string, string, string, string, number, number, number, number, boolean, string];

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const FIRST = [
  'anna',
  'ben',
  'clara',
  'david',
  'eva',
  'felix',
  'greta',
  'hans',
  'ines',
  'jonas',
  'katrin',
  'lukas',
  'maria',
  'nils',
  'olga',
  'paul',
  'rita',
  'sven',
  'tina',
  'uwe',
  'vera',
  'wolf',
  'yvonne',
  'zoe',
];
const LAST = [
  'mueller',
  'schmidt',
  'schneider',
  'fischer',
  'weber',
  'meyer',
  'wagner',
  'becker',
  'schulz',
  'hoffmann',
  'koch',
  'richter',
  'klein',
  'wolf',
  'neumann',
  'braun',
  'zimmermann',
  'krueger',
  'hartmann',
  'lange',
];
const NUSERS = 6000;
const USERS = Array.from({ length: NUSERS }, (_, i) => `${FIRST[i % FIRST.length]}.${LAST[(i * 7) % LAST.length]}${i >= 480 ? i : ''}`);
const USER_NT = USERS.map((u) => 'CONTOSO\\' + u);
const USER_UPN = USERS.map((u) => u + '@contoso.test');
const USER_ENC = USERS.map((u) => u + '%40contoso.test');
const LB_IP = ['10.0.1.5', '10.0.1.6'];
const SERVER_IP = ['10.0.1.21', '10.0.1.22'];
const UA_OUTLOOK = [
  'Microsoft+Office/16.0+(Windows+NT+10.0;+Microsoft+Outlook+16.0.17928;+Pro)',
  'Microsoft+Office/16.0+(Windows+NT+10.0;+Microsoft+Outlook+16.0.18129;+Pro)',
  'Microsoft+Office/16.0+(Windows+NT+10.0;+Microsoft+Outlook+16.0.5478;+Pro)',
];
const UA_EWS = [
  'MacOutlook/16.89.24091630+(Intelx64+Mac+OS+X+14.6.1+(Build+23G93))',
  'ExchangeServicesClient/15.20.8158.000',
  'Microsoft+Office/16.0+(Windows+NT+10.0;+Microsoft+Outlook+16.0.17928;+Pro)',
  'Microsoft+Exchange/15.20+(Windows+NT+10.0;+Win64;+x64)',
];
const UA_EAS = [
  'Apple-iPhone15C2/2201.73',
  'Apple-iPhone14C4/2108.64',
  'Android-SAMSUNG-SM-S918B/101.50401',
  'Outlook-iOS/723.4123014.prod.iphone+(4.2436.0)',
  'Android-Mail/2024.10.20',
];
const UA_BROWSER = [
  'Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36+(KHTML,+like+Gecko)+Chrome/130.0.0.0+Safari/537.36+Edg/130.0.0.0',
  'Mozilla/5.0+(Macintosh;+Intel+Mac+OS+X+10_15_7)+AppleWebKit/605.1.15+(KHTML,+like+Gecko)+Version/18.0+Safari/605.1.15',
  'Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64;+rv:132.0)+Gecko/20100101+Firefox/132.0',
];
const UA_MRS = 'Microsoft+Office/16.0+(Windows+NT+10.0;+MSEXCH-MRS-Proxy+15.20.8158.027;+Pro)';
const UA_PROBE = ['AMProbe/Local/ClientAccess', 'MSEXCHMON/CAS', 'F5+BIG-IP+Monitor'];
const UA_WINRM = 'Microsoft+WinRM+Client';
const OWA_ACTIONS = ['GetFolderChangeDigest', 'FindItem', 'GetItem', 'GetOwaUserConfiguration', 'SubscribeToNotification'];
const HEALTH = [
  '/owa/healthcheck.htm',
  '/ews/healthcheck.htm',
  '/mapi/healthcheck.htm',
  '/Microsoft-Server-ActiveSync/healthcheck.htm',
  '/autodiscover/healthcheck.htm',
  '/ecp/healthcheck.htm',
  '/rpc/healthcheck.htm',
];
/** Exchange default layout; after the mid-file restart cs-version, cs-host, sc-bytes, cs-bytes and a custom X-Forwarded-For move sc-status from column 12 to 14. */
export const LAYOUT_1 =
  'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';
export const LAYOUT_2 =
  'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs-version cs(User-Agent) cs(Referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken X-Forwarded-For';
const FIRST_KEEP = 2000;
const BAD_BINDINGS = 2148074310,
  BAD_BINDINGS_NTSTATUS = 3221226331,
  LOGON_DENIED = 2148074252,
  INVALID_TOKEN = 2148074248,
  NO_CREDENTIALS = 2148074254;

/** Writes the log (and its truth sidecar unless writeTruth is false) and returns the truth. */
export function generateIisLog(o: IisLogOptions): IisLogTruth {
  const TARGET = parseSize(o.size ?? '100M');
  const OUT = o.out;
  const SEED = (o.seed ?? 1) >>> 0;
  const DATE = o.date ?? '2026-11-21';
  const R_BAD = o.badBindingsRate ?? 0.001,
    R_DENIED = o.logonDeniedRate ?? 0.002,
    R_INVALID = o.invalidTokenRate ?? 0.0005,
    R_ABANDON = o.abandonRate ?? 0.003;
  const LAYOUT_CHANGE = o.layoutChange ?? 0.5,
    RESTART_AT = o.restartAt ?? 0.25,
    GARBAGE = (o.garbage ?? 0) | 0;
  const EOL = o.lf ? '\n' : '\r\n';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(DATE)) throw new Error('date must be YYYY-MM-DD');

  const r = new Prng(SEED);
  const hex8 = (): string => {
    const x = r.u32();
    return HEX[x >>> 24] + HEX[(x >>> 16) & 255] + HEX[(x >>> 8) & 255] + HEX[x & 255];
  };
  const guid = (): string => {
    const a = hex8(),
      b = hex8(),
      c = hex8(),
      d = hex8();
    return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
  };
  // populations (all invented; contoso.test is a reserved-style name), drawn in a fixed order
  const MBX = USERS.map(() => guid());
  const internalIp = Array.from({ length: 20000 }, (_, i) => `10.${20 + (i >> 14)}.${(i >> 7) & 127}.${(i & 127) + 10}`);
  const mobileIp = Array.from({ length: 12000 }, () => `${r.pick([80, 84, 87, 91, 93, 95, 176, 178, 185, 188])}.${r.i(256)}.${r.i(256)}.${1 + r.i(254)}`);
  const exoIp = Array.from({ length: 48 }, () => `${r.pick(['40.92', '40.107', '52.100', '52.98', '104.47'])}.${r.i(256)}.${1 + r.i(254)}`);
  // clients that reach IIS through a TLS-terminating device: their NTLM channel bindings never match
  const brokenIp = Array.from({ length: 12 }, () => `${r.pick(['52.101', '40.93'])}.${r.i(256)}.${1 + r.i(254)}`);
  const PROBE_USER = Array.from({ length: 8 }, (_, i) => `CONTOSO\\HealthMailbox${hex8().slice(0, 7)}${i}`);
  const DEVICE = Array.from({ length: 9000 }, () => hex8().toUpperCase() + hex8().toUpperCase());
  const EAS_CMD = r.weighted([
    [55, 'Ping'],
    [25, 'Sync'],
    [8, 'FolderSync'],
    [5, 'ItemOperations'],
    [4, 'SendMail'],
    [3, 'Settings'],
  ]);
  const cafe = (): string => `&CorrelationID=<empty>;&cafeReqId=${guid()};`;
  const ENDPOINTS = r.weighted<Endpoint>([
    [26, { stem: '/mapi/emsmdb/', method: 'POST', auth: 'ntlm', client: 'outlook' }],
    [4, { stem: '/mapi/nspi/', method: 'POST', auth: 'ntlm', client: 'outlook' }],
    [13, { stem: '/EWS/Exchange.asmx', method: 'POST', auth: 'ntlm', client: 'ews' }],
    [14, { stem: '/Microsoft-Server-ActiveSync/default.eas', method: 'POST', auth: 'basic', client: 'eas' }],
    [8, { stem: '/autodiscover/autodiscover.xml', method: 'POST', auth: 'ntlm', client: 'outlook' }],
    [6, { stem: '/owa/', method: 'GET', auth: 'fba', client: 'browser' }],
    [2, { stem: '/ecp/', method: 'GET', auth: 'fba', client: 'browser' }],
    [4, { stem: '/rpc/rpcproxy.dll', method: 'RPC_IN_DATA', auth: 'ntlm', client: 'rpc' }],
    [3, { stem: '/powershell', method: 'POST', auth: 'kerb', client: 'winrm' }],
    [3, { stem: '/EWS/mrsproxy.svc', method: 'POST', auth: 'ntlm', client: 'mrs' }],
    [2, { stem: '/OAB/', method: 'GET', auth: 'ntlm', client: 'outlook' }],
    [5, { stem: null, method: 'GET', auth: 'anon', client: 'probe' }],
  ]);

  let layout = 1;
  fs.mkdirSync(path.dirname(path.resolve(OUT)), { recursive: true });
  const fd = fs.openSync(OUT, 'w');
  let bytes = 0,
    lines = 0,
    headerLines = 0,
    requests = 0;
  const status = new Map<number, number>(),
    statusSub = new Map<number, number>(),
    win32 = new Map<number, number>(),
    win32Of401 = new Map<number, number>();
  const layouts: { line: number; fields: string }[] = [];
  const malformed: number[] = [];
  const mk = (): FindingLines => ({ count: 0, lineSum: 0, first: [], last: 0 });
  const FIND: Record<TruthFindingCode, FindingLines> = { BAD_BINDINGS: mk(), INVALID_TOKEN: mk(), LOGON_DENIED: mk() };
  const hs = {
    started: 0,
    ntlm: 0,
    kerberos: 0,
    succeeded: 0,
    badBindings: 0,
    badBindingsAsNtStatus: 0,
    logonDenied: 0,
    invalidToken: 0,
    abandoned: 0,
    basicFailed: 0,
  };
  const groups = new Map<string, number>(); // "c-ip uri-stem" -> bit 1: a 401.1/401.2 leg seen, bit 2: a non-401 seen

  const OUTBUF = Buffer.allocUnsafe(1 << 23);
  let off = 0;
  const flush = (): void => {
    if (off) {
      fs.writeSync(fd, OUTBUF, 0, off);
      off = 0;
    }
  };
  // latin1 keeps every char one byte (garbage lines included)
  const put = (s: string): void => {
    if (off + s.length + 2 > OUTBUF.length) flush();
    off += OUTBUF.write(s, off, 'latin1');
    off += OUTBUF.write(EOL, off, 'latin1');
    bytes += s.length + EOL.length;
    lines++;
  };
  let timeStr = '00:00:00',
    timeSecs = -1;
  // time advances with the bytes written: the file covers the whole day
  const clock = (): string => {
    const s = Math.min(86399, Math.floor((bytes / TARGET) * 86400));
    if (s !== timeSecs) {
      timeSecs = s;
      const h = (s / 3600) | 0,
        m = ((s % 3600) / 60) | 0,
        x = s % 60;
      timeStr = (h < 10 ? '0' : '') + h + ':' + (m < 10 ? '0' : '') + m + ':' + (x < 10 ? '0' : '') + x;
    }
    return timeStr;
  };
  const header = (): void => {
    const t = clock();
    put('#Software: Microsoft Internet Information Services 10.0');
    put('#Remark: SYNTHETIC log written by iis-auth-lens test/support/iisLogGenerator.ts (seed ' + SEED + '); not from a real server');
    put('#Version: 1.0');
    put('#Date: ' + DATE + ' ' + t);
    put('#Fields: ' + (layout === 1 ? LAYOUT_1 : LAYOUT_2));
    headerLines += 5;
    layouts.push({ line: lines, fields: layout === 1 ? LAYOUT_1 : LAYOUT_2 });
  };

  const emit = ([sip, method, stem, query, user, cip, ua, st, sub, w32, ms, ntlmEndpoint, xff]: Req): void => {
    const t = clock();
    let line: string;
    if (layout === 1) {
      line = `${DATE} ${t} ${sip} ${method} ${stem} ${query} 443 ${user} ${cip} ${ua} - ${st} ${sub} ${w32} ${ms}`;
    } else {
      const scb = st === 401 ? 5 + r.i(1400) : 200 + r.i(40000);
      const csb = 300 + r.i(6000);
      line = `${DATE} ${t} ${sip} ${method} ${stem} ${query} 443 ${user} ${cip} HTTP/1.1 ${ua} - mail.contoso.test ${st} ${sub} ${w32} ${scb} ${csb} ${ms} ${xff}`;
    }
    put(line);
    requests++;
    status.set(st, (status.get(st) ?? 0) + 1);
    const ssk = st * 1000 + sub;
    statusSub.set(ssk, (statusSub.get(ssk) ?? 0) + 1);
    win32.set(w32, (win32.get(w32) ?? 0) + 1);
    if (st === 401) {
      win32Of401.set(w32, (win32Of401.get(w32) ?? 0) + 1);
      const f =
        w32 === BAD_BINDINGS || w32 === BAD_BINDINGS_NTSTATUS
          ? FIND.BAD_BINDINGS
          : w32 === INVALID_TOKEN
            ? FIND.INVALID_TOKEN
            : w32 === LOGON_DENIED
              ? FIND.LOGON_DENIED
              : null;
      if (f) {
        f.count++;
        f.lineSum += lines;
        f.last = lines;
        if (f.first.length < FIRST_KEEP) f.first.push(lines);
      }
    }
    if (ntlmEndpoint) {
      const bit = st === 401 ? (sub === 1 || sub === 2 ? 1 : 0) : 2;
      if (bit) {
        const k = cip + ' ' + stem;
        groups.set(k, (groups.get(k) ?? 0) | bit);
      }
    }
  };

  // requests scheduled a few lines ahead (later legs of a handshake interleave with other traffic)
  const pending: [number, Req][] = [];
  const schedule = (delay: number, req: Req): void => {
    pending.push([requests + delay, req]);
  };

  const clientFor = (ep: Endpoint): { u: number; cip: string; ua: string } => {
    const u = r.i(NUSERS);
    const inside = (share: number): string => (r.f() < share ? internalIp[r.i(internalIp.length)] : mobileIp[r.i(mobileIp.length)]);
    switch (ep.client) {
      case 'outlook':
        return { u, cip: inside(0.8), ua: r.pick(UA_OUTLOOK) };
      case 'ews':
        return { u, cip: inside(0.7), ua: r.pick(UA_EWS) };
      case 'eas':
        return { u, cip: mobileIp[r.i(mobileIp.length)], ua: r.pick(UA_EAS) };
      case 'browser':
        return { u, cip: inside(0.6), ua: r.pick(UA_BROWSER) };
      case 'rpc':
        return { u, cip: inside(0.5), ua: 'MSRPC' };
      case 'winrm':
        return { u, cip: r.pick(['10.0.1.21', '10.0.1.22', '10.0.1.30']), ua: UA_WINRM };
      case 'mrs':
        return { u, cip: exoIp[r.i(exoIp.length)], ua: UA_MRS };
      default:
        return { u, cip: r.pick(LB_IP), ua: r.pick(UA_PROBE) };
    }
  };
  const queryFor = (ep: Endpoint, u: number): string => {
    switch (ep.stem) {
      case '/mapi/emsmdb/':
      case '/mapi/nspi/':
        return 'mailboxId=' + MBX[u] + '@contoso.test' + cafe();
      case '/Microsoft-Server-ActiveSync/default.eas':
        return (
          'Cmd=' + EAS_CMD() + '&User=' + USER_ENC[u] + '&DeviceId=' + DEVICE[u % DEVICE.length] + '&DeviceType=' + (u % 3 ? 'iPhone' : 'Android') + cafe()
        );
      case '/rpc/rpcproxy.dll':
        return MBX[u] + '@contoso.test:6001' + cafe();
      case '/powershell':
        return 'serializationLevel=Full;clientApplication=ActiveMonitor;PSVersion=5.1.20348.2849' + cafe();
      case '/OAB/':
        return '-';
      case '/owa/':
      case '/ecp/':
        return r.f() < 0.5 ? '-' : cafe();
      default:
        return cafe();
    }
  };
  const msFor = (ep: Endpoint, st: number): number => {
    if (st === 401) return r.i(16);
    switch (ep.stem) {
      case '/Microsoft-Server-ActiveSync/default.eas':
        return r.f() < 0.5 ? 480000 + r.i(420000) : 30 + r.i(900); // long-poll Pings
      case '/mapi/emsmdb/':
        return r.f() < 0.15 ? 30000 + r.i(60000) : 5 + r.i(400);
      case '/rpc/rpcproxy.dll':
        return r.f() < 0.3 ? 60000 + r.i(900000) : 10 + r.i(500);
      case '/EWS/mrsproxy.svc':
        return 40 + r.i(4000);
      default:
        return 3 + r.i(800);
    }
  };

  const request = (): void => {
    const ep = ENDPOINTS();
    const sip = SERVER_IP[r.i(2)];
    if (ep.auth === 'anon' || ep.stem === null) {
      // load-balancer health checks
      emit([sip, 'GET', r.pick(HEALTH), '-', '-', r.pick(LB_IP), r.pick(UA_PROBE), 200, 0, 0, r.i(20), false, '-']);
      return;
    }
    const { cip, ua, u } = clientFor(ep);
    const xff = r.f() < 0.3 ? mobileIp[r.i(mobileIp.length)] : '-';
    const stem = ep.stem;
    if (ep.auth === 'fba') {
      // forms auth: anonymous 302s and cookie-authenticated 200s
      const x = r.f();
      const owa = stem === '/owa/';
      if (x < 0.3) emit([sip, 'GET', stem, queryFor(ep, u), '-', cip, ua, 302, 0, 0, r.i(30), false, xff]);
      else if (x < 0.4)
        emit([sip, 'POST', owa ? '/owa/auth.owa' : '/ecp/auth.owa', queryFor(ep, u), USER_UPN[u], cip, ua, 302, 0, 0, 20 + r.i(300), false, xff]);
      else
        emit([
          sip,
          'POST',
          owa ? '/owa/service.svc' : '/ecp/DDI/DDIService.svc/GetList',
          'action=' + r.pick(OWA_ACTIONS) + '&app=Mail&n=' + r.i(100) + cafe(),
          USER_UPN[u],
          cip,
          ua,
          200,
          0,
          0,
          msFor(ep, 200),
          false,
          xff,
        ]);
      return;
    }
    if (ep.auth === 'basic') {
      // ActiveSync sends Basic credentials up front
      const x = r.f();
      if (x < 0.004) {
        hs.basicFailed++;
        emit([sip, 'POST', stem, queryFor(ep, u), USER_UPN[u], cip, ua, 401, 1, 1326, r.i(50), false, xff]);
      } else if (x < 0.014) emit([sip, 'POST', stem, queryFor(ep, u), '-', cip, ua, 401, 2, 5, r.i(5), false, xff]);
      else emit([sip, 'POST', stem, queryFor(ep, u), USER_UPN[u], cip, ua, 200, 0, 0, msFor(ep, 200), false, xff]);
      return;
    }
    const method = stem === '/rpc/rpcproxy.dll' ? (r.f() < 0.5 ? 'RPC_IN_DATA' : 'RPC_OUT_DATA') : ep.method;
    const user = ep.auth === 'kerb' ? r.pick(PROBE_USER) : USER_NT[u];
    // most requests ride an already authenticated keep-alive connection
    if (r.f() < 0.72) {
      emit([sip, method, stem, queryFor(ep, u), user, cip, ua, 200, 0, 0, msFor(ep, 200), true, xff]);
      return;
    }
    // a new connection: decide how the handshake ends, then write the anonymous leg
    hs.started++;
    if (ep.auth === 'kerb') {
      // Kerberos via Negotiate completes in one more leg
      hs.kerberos++;
      hs.succeeded++;
      emit([sip, method, stem, queryFor(ep, u), '-', cip, ua, 401, 2, 5, r.i(8), true, xff]);
      schedule(1 + r.i(3), [sip, method, stem, queryFor(ep, u), user, cip, ua, 200, 0, 0, msFor(ep, 200), true, xff]);
      return;
    }
    hs.ntlm++;
    const x = r.f();
    let hcip = cip,
      hua = ua,
      hstem = stem,
      hmethod = method,
      hxff = xff,
      bad = false;
    let fst = 200,
      fsub = 0,
      fw32 = 0,
      fuser = user,
      fms = 0,
      done = true;
    if (x < R_BAD) {
      // the client binds to another certificate (TLS terminated in between): Extended Protection
      // rejects the AUTHENTICATE message. Such clients never get through, so all legs come from them.
      hs.badBindings++;
      bad = true;
      const ntstatus = r.f() < 0.1;
      if (ntstatus) hs.badBindingsAsNtStatus++;
      hcip = r.pick(brokenIp);
      hua = UA_MRS;
      hstem = r.f() < 0.75 ? '/EWS/mrsproxy.svc' : '/EWS/Exchange.asmx';
      hmethod = 'POST';
      hxff = '-';
      fst = 401;
      fsub = 1;
      fw32 = ntstatus ? BAD_BINDINGS_NTSTATUS : BAD_BINDINGS;
      fuser = '-';
      fms = r.i(16);
    } else if (x < R_BAD + R_DENIED) {
      hs.logonDenied++;
      fst = 401;
      fsub = 1;
      fw32 = LOGON_DENIED;
      fuser = '-';
      fms = r.i(40);
    } else if (x < R_BAD + R_DENIED + R_INVALID) {
      hs.invalidToken++;
      fst = 401;
      fsub = 1;
      fw32 = INVALID_TOKEN;
      fuser = '-';
      fms = r.i(16);
    } else if (x < R_BAD + R_DENIED + R_INVALID + R_ABANDON) {
      hs.abandoned++;
      done = false;
    } else {
      hs.succeeded++;
      fms = msFor(ep, 200);
    }
    const qq = bad ? cafe : (): string => queryFor(ep, u);
    emit([sip, hmethod, hstem, qq(), '-', hcip, hua, 401, 2, 5, r.i(8), true, hxff]);
    const d1 = 1 + r.i(3);
    schedule(d1, [sip, hmethod, hstem, qq(), '-', hcip, hua, 401, 1, NO_CREDENTIALS, r.i(8), true, hxff]);
    if (done) schedule(d1 + 1 + r.i(3), [sip, hmethod, hstem, qq(), fuser, hcip, hua, fst, fsub, fw32, fms, true, hxff]);
  };

  const tick = (): void => {
    for (let i = 0; i < pending.length; i++) {
      if (pending[i][0] <= requests) {
        const [[, req]] = pending.splice(i, 1);
        emit(req);
        return;
      }
    }
    request();
  };

  // garbage lines at deterministic byte offsets
  const garbageAt: number[] = [];
  for (let i = 1; i <= GARBAGE; i++) garbageAt.push(Math.floor((TARGET * i) / (GARBAGE + 1)));
  let gi = 0;
  const garbage = (n: number): void => {
    let s: string;
    switch (n % 3) {
      case 0: {
        s = '';
        for (let i = 0; i < 60; i++) {
          let c = r.u32() & 255;
          if (c === 10 || c === 13) c = 0;
          s += String.fromCharCode(c);
        }
        break;
      }
      case 1:
        s = DATE + ' ' + clock() + ' ' + SERVER_IP[0] + ' GET /owa/';
        break; // cut short
      default:
        s = DATE + ' ' + clock() + ' ' + SERVER_IP[0] + ' GET /owa/ - 443 - 10.20.0.10 Mozilla/5.0 - 200 0 0 15 EXTRA-FIELD';
    }
    put(s);
    malformed.push(lines);
  };

  try {
    header();
    let restarted = RESTART_AT <= 0,
      changed = LAYOUT_CHANGE <= 0;
    while (bytes < TARGET) {
      if (!restarted && bytes >= TARGET * RESTART_AT) {
        restarted = true;
        header();
      }
      if (!changed && bytes >= TARGET * LAYOUT_CHANGE) {
        changed = true;
        layout = 2;
        header();
      }
      if (gi < garbageAt.length && bytes >= garbageAt[gi]) {
        garbage(gi);
        gi++;
        continue;
      }
      tick();
    }
    // a log cut at the size limit still gets the legs already scheduled, so handshakes stay whole
    for (const [, req] of pending) emit(req);
    flush();
  } finally {
    fs.closeSync(fd);
  }

  let groupsWithoutSuccess = 0,
    groupsTotal = 0;
  for (const v of groups.values())
    if (v & 1) {
      groupsTotal++;
      if (!(v & 2)) groupsWithoutSuccess++;
    }
  const sorted = (m: Map<number, number>, key: (k: number) => string = String): Record<string, number> =>
    Object.fromEntries([...m.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [key(k), v]));
  const truth: IisLogTruth = {
    synthetic: true,
    generator: 'test/support/iisLogGenerator.ts',
    note: 'SYNTHETIC data. Counts are exact for this file. Line numbers are 1-based physical lines.',
    file: path.basename(OUT),
    options: {
      size: TARGET,
      seed: SEED,
      date: DATE,
      badBindingsRate: R_BAD,
      logonDeniedRate: R_DENIED,
      invalidTokenRate: R_INVALID,
      abandonRate: R_ABANDON,
      layoutChange: LAYOUT_CHANGE,
      restartAt: RESTART_AT,
      garbage: GARBAGE,
      eol: EOL === '\n' ? 'LF' : 'CRLF',
    },
    bytes,
    lines,
    headerLines,
    requests,
    layouts,
    malformedLines: malformed,
    status: sorted(status),
    statusSub: sorted(statusSub, (k) => Math.floor(k / 1000) + '.' + (k % 1000)),
    win32: sorted(win32),
    win32Of401: sorted(win32Of401),
    findings: {
      BAD_BINDINGS: FIND.BAD_BINDINGS.count,
      INVALID_TOKEN: FIND.INVALID_TOKEN.count,
      LOGON_DENIED: FIND.LOGON_DENIED.count,
      MALFORMED_LINE: malformed.length,
    },
    findingLines: FIND,
    badBindingsCount: FIND.BAD_BINDINGS.count,
    handshakes: hs,
    handshakeGroups: {
      key: 'c-ip + cs-uri-stem over the whole file, NTLM/Negotiate endpoints only',
      withAuthLeg: groupsTotal,
      withoutSuccess: groupsWithoutSuccess,
    },
  };
  if (o.writeTruth !== false) fs.writeFileSync(o.truth ?? OUT + '.truth.json', JSON.stringify(truth, null, 1) + '\n');
  return truth;
}

/** `--name value` flags of the CLI; a flag without a value is true. */
export function cliFlags(argv: string[]): Map<string, string | true> {
  const m = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`);
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) m.set(argv[i].slice(2), true);
    else {
      m.set(argv[i].slice(2), v);
      i++;
    }
  }
  return m;
}

function main(argv: string[]): void {
  const f = cliFlags(argv);
  const known = new Set([
    'size',
    'out',
    'truth',
    'seed',
    'date',
    'bad-bindings-rate',
    'logon-denied-rate',
    'invalid-token-rate',
    'abandon-rate',
    'layout-change',
    'restart-at',
    'garbage',
    'lf',
    'help',
  ]);
  for (const k of f.keys()) if (!known.has(k)) throw new Error(`unknown option --${k}`);
  if (f.has('help')) {
    process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').slice(0, 30).join('\n') + '\n');
    return;
  }
  const num = (k: string): number | undefined => {
    const v = f.get(k);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v === true || !Number.isFinite(n)) throw new Error(`--${k} needs a number`);
    return n;
  };
  const str = (k: string): string | undefined => {
    const v = f.get(k);
    if (v === true) throw new Error(`--${k} needs a value`);
    return v;
  };
  const out = str('out') ?? 'u_ex261121.log';
  const t0 = process.hrtime.bigint();
  const t = generateIisLog({
    out,
    truth: str('truth'),
    size: str('size'),
    seed: num('seed'),
    date: str('date'),
    badBindingsRate: num('bad-bindings-rate'),
    logonDeniedRate: num('logon-denied-rate'),
    invalidTokenRate: num('invalid-token-rate'),
    abandonRate: num('abandon-rate'),
    layoutChange: num('layout-change'),
    restartAt: num('restart-at'),
    garbage: num('garbage'),
    lf: f.has('lf'),
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stderr.write(
    `iisLogGenerator: ${out}: ${t.bytes} bytes, ${t.lines} lines, ${t.requests} requests, BAD_BINDINGS ${t.findings.BAD_BINDINGS}, ${s.toFixed(2)} s\n`,
  );
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`iisLogGenerator: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
