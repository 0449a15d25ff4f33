// SYNTHETIC IIS Failed Request Tracing (FREB) folders with exact ground truth (the project's own
// generator; its design follows the reference generator the project started from).
//
// Layout, element order, event opcodes/levels/keywords/GUIDs follow real IIS 10 traces (see
// test/fixtures/freb/plechenko); the requests, hosts, users and NTLM tokens are invented. Every
// file carries a `<!-- SYNTHETIC trace ... -->` comment after the IIS comment line.
//
// In a test:   const truth = generateFreb({ out: join(dir, 'W3SVC1'), count: 200, seed: 5 });
// On a shell:  node --import tsx test/support/frebGenerator.ts --count 5000 --out "$TMPDIR/W3SVC1" --seed 7
//
// Options (CLI flag / option, default):
//   --count N     count   traces fr000001.xml ... [200]
//   --out DIR     out     folder (created) [./W3SVC1]
//   --seed N      seed    PRNG seed; same seed and options give identical files [1]
//   --truth FILE  truth   ground truth JSON [DIR/truth.json]
//   --mix LIST    mix     case weights, e.g. bad-bindings=5,anonymous=40 (cases: bad-bindings,
//                         anonymous, challenge, logon-denied, invalid-token, success-slow, server-error)
//                         [bad-bindings=4,anonymous=40,challenge=30,logon-denied=4,invalid-token=2,success-slow=12,server-error=8]
// Authorization headers carry structurally valid NTLM messages (MS-NLMP 2.2.1.1 NEGOTIATE for the
// challenge leg, NTLMv2 AUTHENTICATE with AV pairs incl. MsvAvChannelBindings for the third leg);
// their proofs and MICs are random bytes, so they decode but never verify.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Prng, cliFlags } from './iisLogGenerator';

export const FREB_CASES = ['bad-bindings', 'anonymous', 'challenge', 'logon-denied', 'invalid-token', 'success-slow', 'server-error'] as const;
export type FrebCase = (typeof FREB_CASES)[number];
export const DEFAULT_MIX = 'bad-bindings=4,anonymous=40,challenge=30,logon-denied=4,invalid-token=2,success-slow=12,server-error=8';

export interface FrebOptions {
  out: string;
  count?: number;
  seed?: number;
  truth?: string;
  mix?: string;
}

export interface NtlmTruth {
  messageType: 1 | 3;
  domain?: string;
  user?: string;
  workstation?: string;
  spn?: string;
  channelBindings?: string | null;
  channelBindingsState?: 'present' | 'zero' | 'absent';
  mic?: boolean;
  ntlmVersion?: number;
}
export interface FrebFileTruth {
  file: string;
  case: FrebCase;
  url: string;
  verb: string;
  statusCode: number;
  subStatusCode: number;
  win32Status: number | null;
  timeTaken: number;
  siteId: number;
  appPoolId: string;
  authType: 'NT' | 'Anonymous';
  authorization: { scheme: string; mechanism: string; ntlm: NtlmTruth } | null;
  user: string;
  clientIp: string;
  events: number;
  /** The physical line holding the Authorization header (the `<Data Name="Headers">` line). */
  authorizationHeaderLine: number | null;
  failureEvent: { eventStartLine: number; opcodeLine: number } | null;
  findings: { code: string; line: number; opcodeLine: number }[];
}
export interface FrebTruth {
  synthetic: true;
  generator: string;
  seed: number;
  count: number;
  mix: Record<string, number>;
  cases: Record<string, number>;
  findings: Record<string, number>;
  note: string;
  files: FrebFileTruth[];
}

const utf16 = (s: string): Buffer => Buffer.from(s, 'utf16le');
const VERSION = Buffer.from([10, 0, 0x7c, 0x4f, 0, 0, 0, 15]); // 10.0.20348, NTLMSSP_REVISION_W2K3
const EVT = 'http://schemas.microsoft.com/win/2004/08/events/event';
const G = {
  req: '{D42CF7EF-DE92-473E-8B6C-621EA663113A}',
  notif: '{002E91E3-E7AE-44AB-8E07-99230FFA6ADE}',
  cache: '{AC1D69F1-BF33-4CA0-9313-BCA13873E1DC}',
  auth: '{C33BBE8F-985B-4080-81E6-005F1A06B9E2}',
};
const esc = (s: string | number): string => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const APP_POOL_STEM: Record<string, string> = {
  MSExchangeServicesAppPool: '/EWS/Exchange.asmx',
  MSExchangeMapiMailboxAppPool: '/mapi/emsmdb/',
  MSExchangeAutodiscoverAppPool: '/autodiscover/autodiscover.xml',
  MSExchangeRpcProxyAppPool: '/rpc/rpcproxy.dll',
};
interface Outcome {
  status: number;
  sub: number;
  err: number | null;
  text: string | null;
  module: string | null;
  code: string | null;
  req: 1 | 4;
}
const OUTCOME: Record<FrebCase, Outcome> = {
  'bad-bindings': {
    status: 401,
    sub: 1,
    err: 2148074310,
    text: "The client's supplied SSPI channel bindings were incorrect.\n (0x80090346)",
    module: 'WindowsAuthenticationModule',
    code: 'BAD_BINDINGS',
    req: 4,
  },
  anonymous: { status: 401, sub: 2, err: 2147942405, text: 'Access is denied.\n (0x80070005)', module: 'IIS Web Core', code: null, req: 1 },
  challenge: {
    status: 401,
    sub: 1,
    err: 2148074254,
    text: 'No credentials are available in the security package\n (0x8009030e)',
    module: 'WindowsAuthenticationModule',
    code: null,
    req: 4,
  },
  'logon-denied': {
    status: 401,
    sub: 1,
    err: 2148074252,
    text: 'The logon attempt failed\n (0x8009030c)',
    module: 'WindowsAuthenticationModule',
    code: 'LOGON_DENIED',
    req: 4,
  },
  'invalid-token': {
    status: 401,
    sub: 1,
    err: 2148074248,
    text: 'The token supplied to the function is invalid\n (0x80090308)',
    module: 'WindowsAuthenticationModule',
    code: 'INVALID_TOKEN',
    req: 4,
  },
  'success-slow': { status: 200, sub: 0, err: null, text: null, module: null, code: null, req: 4 },
  'server-error': { status: 500, sub: 0, err: 2147500037, text: 'Unspecified error\n (0x80004005)', module: 'ManagedPipelineHandler', code: null, req: 1 },
};

/** Parses `bad-bindings=4,anonymous=40,...`; unknown cases are an error. */
export function parseMix(mix: string): Record<FrebCase, number> {
  const cases = {} as Record<FrebCase, number>;
  for (const part of mix.split(',')) {
    const [k, v] = part.split('=');
    const name = k.trim() as FrebCase;
    if (!FREB_CASES.includes(name)) throw new Error(`unknown case ${k}`);
    cases[name] = Number(v);
  }
  return cases;
}

/** Writes the traces and truth.json into o.out and returns the truth. */
export function generateFreb(o: FrebOptions): FrebTruth {
  const COUNT = (o.count ?? 200) | 0;
  const OUT = o.out;
  const SEED = (o.seed ?? 1) >>> 0;
  const TRUTH = o.truth ?? path.join(OUT, 'truth.json');
  const CASES = parseMix(o.mix ?? DEFAULT_MIX);
  const r = new Prng(SEED);
  const hex = (n: number): string => {
    let s = '';
    while (s.length < n) s += r.u32().toString(16).padStart(8, '0');
    return s.slice(0, n).toUpperCase();
  };
  const random = (n: number): Buffer => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = r.u32() & 255;
    return b;
  };
  const caseList = (Object.entries(CASES) as [FrebCase, number][]).filter(([, w]) => w > 0);
  if (!caseList.length) throw new Error('the mix has no case with a weight above 0');
  const totalW = caseList.reduce((a, [, w]) => a + w, 0);
  const pickCase = (): FrebCase => {
    let x = r.f() * totalW;
    for (const [k, w] of caseList) {
      if ((x -= w) < 0) return k;
    }
    return caseList[caseList.length - 1][0];
  };

  const ntlmNegotiate = (): Buffer => {
    const b = Buffer.alloc(40);
    b.write('NTLMSSP\0', 0, 'latin1');
    b.writeUInt32LE(1, 8);
    b.writeUInt32LE(0xe2088297, 12);
    VERSION.copy(b, 32);
    return b;
  };
  const avPair = (id: number, val: Buffer): Buffer => {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(id, 0);
    h.writeUInt16LE(val.length, 2);
    return Buffer.concat([h, val]);
  };
  const ntlmAuthenticate = (a: { domain: string; user: string; workstation: string; cbt: Buffer | null; spn: string; timeMs: number }): Buffer => {
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64LE(BigInt(a.timeMs) * 10000n + 116444736000000000n); // FILETIME
    const pairs = [
      avPair(2, utf16('CONTOSO')),
      avPair(1, utf16('EX01')),
      avPair(4, utf16('contoso.test')),
      avPair(3, utf16('ex01.contoso.test')),
      avPair(5, utf16('contoso.test')),
      avPair(7, ts),
    ];
    const flags = Buffer.alloc(4);
    flags.writeUInt32LE(2);
    pairs.push(avPair(6, flags)); // MIC present
    if (a.cbt) pairs.push(avPair(10, a.cbt));
    pairs.push(avPair(9, utf16(a.spn)));
    pairs.push(avPair(0, Buffer.alloc(0)));
    const blob = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), ts, random(8), Buffer.alloc(4), ...pairs, Buffer.alloc(4)]);
    const nt = Buffer.concat([random(16), blob]);
    const lm = Buffer.alloc(24);
    const dom = utf16(a.domain),
      usr = utf16(a.user),
      wks = utf16(a.workstation),
      key = random(16);
    const head = Buffer.alloc(88);
    head.write('NTLMSSP\0', 0, 'latin1');
    head.writeUInt32LE(3, 8);
    const order = [dom, usr, wks, lm, nt, key]; // the payload order Windows uses
    const at = new Map<Buffer, number>();
    let off = 88;
    for (const p of order) {
      at.set(p, off);
      off += p.length;
    }
    for (const [pos, p] of [
      [12, lm],
      [20, nt],
      [28, dom],
      [36, usr],
      [44, wks],
      [52, key],
    ] as [number, Buffer][]) {
      head.writeUInt16LE(p.length, pos);
      head.writeUInt16LE(p.length, pos + 2);
      head.writeUInt32LE(at.get(p)!, pos + 4);
    }
    head.writeUInt32LE(0xe2888215, 60);
    VERSION.copy(head, 64);
    random(16).copy(head, 72); // MIC (random: never verifies)
    return Buffer.concat([head, ...order]);
  };

  const makeTrace = (n: number, kind: FrebCase): { xml: string; truth: FrebFileTruth } => {
    const ctx = `{${hex(8)}-0000-${hex(4)}-B63F-84710C7967BB}`;
    const pid = 2000 + r.i(30000),
      tid = 1000 + r.i(20000);
    const start = Date.UTC(2026, 10, 21, 0, 0, 0) + r.i(86400000);
    let tms = start;
    const computer = r.pick(['EX01', 'EX02']);
    const appPool = r.pick(Object.keys(APP_POOL_STEM));
    const stem = kind === 'bad-bindings' ? (r.f() < 0.75 ? '/EWS/mrsproxy.svc' : '/EWS/Exchange.asmx') : APP_POOL_STEM[appPool];
    const pool = kind === 'bad-bindings' ? 'MSExchangeServicesAppPool' : appPool;
    const host = 'mail.contoso.test';
    const url = `https://${host}:443${stem}`;
    const verb = stem === '/rpc/rpcproxy.dll' ? 'RPC_IN_DATA' : 'POST';
    const siteId = 1;
    const user = r.pick(['mrsadmin', 'anna.mueller', 'ben.schmidt', 'svc-migration', 'clara.fischer']);
    const clientIp = kind === 'bad-bindings' ? `52.101.${r.i(256)}.${1 + r.i(254)}` : `10.20.${r.i(128)}.${10 + r.i(100)}`;
    let auth: { scheme: string; mechanism: string; token: string; ntlm: NtlmTruth } | null = null;
    if (kind === 'challenge') {
      const tok = ntlmNegotiate();
      auth = { scheme: r.pick(['Negotiate', 'NTLM']), mechanism: 'NTLM', token: tok.toString('base64'), ntlm: { messageType: 1 } };
    } else if (kind === 'bad-bindings' || kind === 'logon-denied' || kind === 'invalid-token' || kind === 'success-slow') {
      const cbState = kind === 'bad-bindings' ? 'present' : r.pick(['present', 'present', 'zero', 'absent'] as const);
      const cbt = cbState === 'present' ? random(16) : cbState === 'zero' ? Buffer.alloc(16) : null;
      const ws = r.pick(['MRSPROBE', 'WKS-' + hex(4), 'LAPTOP-' + hex(6)]);
      const tok = ntlmAuthenticate({ domain: 'CONTOSO', user, workstation: ws, cbt, spn: 'HTTP/' + host, timeMs: start });
      auth = {
        scheme: r.pick(['Negotiate', 'NTLM']),
        mechanism: 'NTLM',
        token: tok.toString('base64'),
        ntlm: {
          messageType: 3,
          domain: 'CONTOSO',
          user,
          workstation: ws,
          spn: 'HTTP/' + host,
          channelBindings: cbt ? cbt.toString('hex') : null,
          channelBindingsState: cbState,
          mic: true,
          ntlmVersion: 2,
        },
      };
    }
    const outcome = OUTCOME[kind];
    const timeTaken = kind === 'success-slow' ? 5000 + r.i(25000) : r.i(60);
    const statusAttr = outcome.sub ? `${outcome.status}.${outcome.sub}` : `${outcome.status}`;
    const authAttr = kind === 'success-slow' ? 'NTLM' : 'NOT_AVAILABLE';

    const lines: string[] = [];
    const L = (s: string): void => {
      for (const piece of s.split('\n')) lines.push(piece);
    }; // physical lines, joined with CRLF like IIS
    L('<?xml version="1.0" encoding="UTF-8" ?>');
    L("<?xml-stylesheet type='text/xsl' href='freb.xsl'?>");
    L('<!-- saved from url=(0014)about:internet -->');
    L(`<!-- SYNTHETIC trace written by iis-auth-lens test/support/frebGenerator.ts (seed ${SEED}, case ${kind}); not from a real server -->`);
    const pad = '               ';
    L(`<failedRequest url="${esc(url)}"`);
    L(`${pad}siteId="${siteId}"`);
    L(`${pad}appPoolId="${pool}"`);
    L(`${pad}processId="${pid}"`);
    L(`${pad}verb="${verb}"`);
    if (kind === 'success-slow') {
      L(`${pad}remoteUserName="CONTOSO\\${user}"`);
      L(`${pad}userName="CONTOSO\\${user}"`);
      L(`${pad}tokenUserName="CONTOSO\\${user}"`);
    }
    // IIS glues activityId onto the authenticationType line
    L(`${pad}authenticationType="${authAttr}"${kind === 'success-slow' ? '\n' + pad : pad}activityId="${ctx}"`);
    L(`${pad}failureReason="${kind === 'success-slow' ? 'TIME_TAKEN' : 'STATUS_CODE'}"`);
    L(`${pad}statusCode="${statusAttr}"`);
    L(`${pad}triggerStatusCode="${kind === 'success-slow' ? 200 : statusAttr}"`);
    L(`${pad}timeTaken="${timeTaken}"`);
    L(`${pad}xmlns:freb="http://schemas.microsoft.com/win/2006/06/iis/freb"`);
    L(`${pad}>`);
    let events = 0;
    let failure: { startLine: number; opLine: number } | null = null;
    type Data = [string, string | number][];
    const ev = (
      level: number,
      opcodeNum: number,
      keywords: string,
      name: string,
      guid: string,
      data: Data,
      opts: { kw?: string; desc?: [string, string][] } = {},
    ): { startLine: number; opLine: number } => {
      events++;
      tms += r.i(3);
      const startLine = lines.length + 1;
      L(`<Event xmlns="${EVT}">`);
      L(' <System>');
      L('  <Provider Name="WWW Server" Guid="{3A2A4E84-4C21-4981-AE10-3FDA0D9B0F83}"/>');
      L('  <EventID>0</EventID>');
      L('  <Version>1</Version>');
      L(`  <Level>${level}</Level>`);
      L(`  <Opcode>${opcodeNum}</Opcode>`);
      L(`  <Keywords>${keywords}</Keywords>`);
      L(`  <TimeCreated SystemTime="${new Date(tms).toISOString().replace('Z', '').slice(0, 23)}Z"/>`);
      L(`  <Correlation ActivityID="${ctx}"/>`);
      L(`  <Execution ProcessID="${pid}" ThreadID="${tid}"/>`);
      L(`  <Computer>${computer}</Computer>`);
      L(' </System>');
      L(' <EventData>');
      L(`  <Data Name="ContextId">${ctx}</Data>`);
      for (const [k, v] of data) L(`  <Data Name="${k}">${esc(v)}</Data>`);
      L(' </EventData>');
      L(' <RenderingInfo Culture="en-US">');
      const opLine = lines.length + 1;
      L(`  <Opcode>${name}</Opcode>`);
      if (opts.kw) {
        L('  <Keywords>');
        L(`   <Keyword>${opts.kw}</Keyword>`);
        L('  </Keywords>');
      }
      for (const [k, v] of opts.desc ?? []) L(`  <freb:Description Data="${k}">${esc(v)}</freb:Description>`);
      L(' </RenderingInfo>');
      L(' <ExtendedTracingInfo xmlns="http://schemas.microsoft.com/win/2004/08/events/trace">');
      L(`  <EventGuid>${guid}</EventGuid>`);
      L(' </ExtendedTracingInfo>');
      L('</Event>');
      return { startLine, opLine };
    };
    const notif = (mod: string, num: number, name: string): void => {
      ev(
        5,
        1,
        '0x100',
        'NOTIFY_MODULE_START',
        G.notif,
        [
          ['ModuleName', mod],
          ['Notification', num],
          ['fIsPostNotification', 'false'],
        ],
        { kw: 'RequestNotifications', desc: [['Notification', name]] },
      );
    };
    const notifEnd = (mod: string, num: number, name: string): void => {
      ev(
        5,
        2,
        '0x100',
        'NOTIFY_MODULE_END',
        G.notif,
        [
          ['ModuleName', mod],
          ['Notification', num],
          ['fIsPostNotificationEvent', 'false'],
          ['NotificationStatus', '0'],
        ],
        {
          kw: 'RequestNotifications',
          desc: [
            ['Notification', name],
            ['NotificationStatus', 'NOTIFICATION_CONTINUE'],
          ],
        },
      );
    };
    const setError = (module: string, num: number, reason: string, notification: string): { startLine: number; opLine: number } =>
      ev(
        3,
        16,
        '0x100',
        'MODULE_SET_RESPONSE_ERROR_STATUS',
        G.notif,
        [
          ['ModuleName', module],
          ['Notification', num],
          ['HttpStatus', outcome.status],
          ['HttpReason', reason],
          ['HttpSubStatus', outcome.sub],
          ['ErrorCode', outcome.err ?? 0],
          ['ConfigExceptionInfo', ''],
        ],
        {
          kw: 'RequestNotifications',
          desc: [
            ['Notification', notification],
            ['ErrorCode', outcome.text ?? ''],
          ],
        },
      );

    ev(0, 1, '0x0', 'GENERAL_REQUEST_START', G.req, [
      ['SiteId', siteId],
      ['AppPoolId', pool],
      ['ConnId', 1610612736 + r.i(100000)],
      ['RawConnId', 0],
      ['RequestURL', url],
      ['RequestVerb', verb],
    ]);
    for (const m of ['FailedRequestsTracingModule', 'RequestMonitorModule', 'IsapiFilterModule']) {
      ev(5, 4, '0x100', 'PRE_BEGIN_REQUEST_START', G.notif, [['ModuleName', m]], { kw: 'RequestNotifications' });
      ev(
        5,
        5,
        '0x100',
        'PRE_BEGIN_REQUEST_END',
        G.notif,
        [
          ['ModuleName', m],
          ['NotificationStatus', '0'],
        ],
        { kw: 'RequestNotifications', desc: [['NotificationStatus', 'NOTIFICATION_CONTINUE']] },
      );
    }
    ev(4, 55, '0x0', 'GENERAL_ENDPOINT_INFORMATION', G.req, [
      ['RemoteAddress', clientIp],
      ['RemotePort', 1024 + r.i(60000)],
      ['LocalAddress', '10.0.1.21'],
      ['LocalPort', '443'],
    ]);
    const hdrs = [
      'Content-Type: text/xml; charset=utf-8',
      `Host: ${host}`,
      'User-Agent: ' +
        (kind === 'bad-bindings'
          ? 'Microsoft Office/16.0 (Windows NT 10.0; MSEXCH-MRS-Proxy 15.20.8158.027; Pro)'
          : 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)'),
    ];
    if (auth) hdrs.unshift(`Authorization: ${auth.scheme} ${auth.token}`); // IIS lists it first, as in the real traces
    if (kind === 'bad-bindings') hdrs.push(`X-Forwarded-For: ${clientIp}`);
    const hdrEv = ev(4, 50, '0x0', 'GENERAL_REQUEST_HEADERS', G.req, [['Headers', hdrs.join('\n') + '\n']]);
    ev(4, 12, '0x80', 'URL_CACHE_ACCESS_START', G.cache, [['RequestURL', stem]], { kw: 'Cache' });
    ev(
      4,
      13,
      '0x80',
      'URL_CACHE_ACCESS_END',
      G.cache,
      [
        ['PhysicalPath', ''],
        ['URLInfoFromCache', 'true'],
        ['URLInfoAddedToCache', 'false'],
        ['ErrorCode', '0'],
      ],
      { kw: 'Cache', desc: [['ErrorCode', 'The operation completed successfully.\n (0x0)']] },
    );
    notif('WindowsAuthenticationModule', 2, 'AUTHENTICATE_REQUEST');
    ev(4, 10, '0x2', 'AUTH_START', G.auth, [['AuthTypeSupported', '4']], { kw: 'Authentication', desc: [['AuthTypeSupported', 'NT']] });
    if (outcome.req === 4)
      ev(4, 27, '0x2', 'AUTH_REQUEST_AUTH_TYPE', G.auth, [['RequestAuthType', '4']], { kw: 'Authentication', desc: [['RequestAuthType', 'NT']] });
    if (kind === 'success-slow')
      ev(
        4,
        11,
        '0x2',
        'AUTH_SUCCEEDED',
        G.auth,
        [
          ['AuthType', '4'],
          ['NTLMUsed', 'true'],
          ['RemoteUserName', `CONTOSO\\${user}`],
          ['AuthUserName', `CONTOSO\\${user}`],
          ['TokenImpersonationLevel', '2'],
        ],
        {
          kw: 'Authentication',
          desc: [
            ['AuthType', 'NT'],
            ['TokenImpersonationLevel', 'ImpersonationImpersonate'],
          ],
        },
      );
    if (outcome.module === 'WindowsAuthenticationModule') failure = setError('WindowsAuthenticationModule', 2, 'Unauthorized', 'AUTHENTICATE_REQUEST');
    ev(4, 28, '0x2', 'AUTH_END', G.auth, [], { kw: 'Authentication' });
    notifEnd('WindowsAuthenticationModule', 2, 'AUTHENTICATE_REQUEST');
    if (outcome.req === 1) {
      notif('AnonymousAuthenticationModule', 2, 'AUTHENTICATE_REQUEST');
      ev(4, 10, '0x2', 'AUTH_START', G.auth, [['AuthTypeSupported', '1']], { kw: 'Authentication', desc: [['AuthTypeSupported', 'Anonymous']] });
      ev(4, 27, '0x2', 'AUTH_REQUEST_AUTH_TYPE', G.auth, [['RequestAuthType', '1']], { kw: 'Authentication', desc: [['RequestAuthType', 'Anonymous']] });
      ev(4, 28, '0x2', 'AUTH_END', G.auth, [], { kw: 'Authentication' });
      notifEnd('AnonymousAuthenticationModule', 2, 'AUTHENTICATE_REQUEST');
    }
    if (kind === 'anonymous') failure = setError('IIS Web Core', 2, 'Unauthorized', 'AUTHENTICATE_REQUEST');
    if (kind === 'success-slow' || kind === 'server-error') {
      ev(4, 43, '0x0', 'HANDLER_CHANGED', G.req, [
        ['OldHandlerName', ''],
        ['NewHandlerName', 'svc-Integrated-4.0'],
        ['NewHandlerModules', 'ManagedPipelineHandler'],
        ['NewHandlerScriptProcessor', ''],
        ['NewHandlerType', 'System.ServiceModel.Activation.ServiceHttpHandlerFactory'],
      ]);
      notif('ManagedPipelineHandler', 128, 'EXECUTE_REQUEST_HANDLER');
      if (kind === 'server-error') failure = setError('ManagedPipelineHandler', 128, 'Internal Server Error', 'EXECUTE_REQUEST_HANDLER');
      notifEnd('ManagedPipelineHandler', 128, 'EXECUTE_REQUEST_HANDLER');
    }
    if (outcome.status === 401) {
      notif('WindowsAuthenticationModule', 536870912, 'SEND_RESPONSE');
      if (kind === 'challenge') {
        const challenge = Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), Buffer.from([2, 0, 0, 0]), random(48)]).toString('base64');
        ev(4, 56, '0x0', 'GENERAL_SET_RESPONSE_HEADER', G.req, [
          ['HeaderName', 'WWW-Authenticate'],
          ['HeaderValue', auth!.scheme + ' ' + challenge],
          ['Replace', 'false'],
        ]);
      } else {
        for (const v of ['Negotiate', 'NTLM'])
          ev(4, 56, '0x0', 'GENERAL_SET_RESPONSE_HEADER', G.req, [
            ['HeaderName', 'WWW-Authenticate'],
            ['HeaderValue', v],
            ['Replace', 'false'],
          ]);
      }
      notifEnd('WindowsAuthenticationModule', 536870912, 'SEND_RESPONSE');
    }
    ev(4, 35, '0x0', 'GENERAL_FLUSH_RESPONSE_START', G.req, []);
    const bodyLen = outcome.status === 200 ? 2000 + r.i(40000) : 1293;
    const requestId = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`.toLowerCase();
    ev(4, 47, '0x0', 'GENERAL_RESPONSE_HEADERS', G.req, [
      [
        'Headers',
        `Cache-Control: private\nContent-Type: text/${outcome.status === 200 ? 'xml; charset=utf-8' : 'html'}\nServer: Microsoft-IIS/10.0\nrequest-id: ${requestId}\nX-Powered-By: ASP.NET\n`,
      ],
    ]);
    ev(
      4,
      36,
      '0x0',
      'GENERAL_FLUSH_RESPONSE_END',
      G.req,
      [
        ['BytesSent', bodyLen + 300],
        ['ErrorCode', '0'],
      ],
      { desc: [['ErrorCode', 'The operation completed successfully.\n (0x0)']] },
    );
    tms = start + timeTaken;
    ev(0, 2, '0x0', 'GENERAL_REQUEST_END', G.req, [
      ['BytesSent', bodyLen + 300],
      ['BytesReceived', 900 + r.i(4000)],
      ['HttpStatus', outcome.status],
      ['HttpSubStatus', outcome.sub],
    ]);
    L('</failedRequest>');
    const failed = failure as { startLine: number; opLine: number } | null;
    const truth: FrebFileTruth = {
      file: `fr${String(n).padStart(6, '0')}.xml`,
      case: kind,
      url,
      verb,
      statusCode: outcome.status,
      subStatusCode: outcome.sub,
      win32Status: outcome.err,
      timeTaken,
      siteId,
      appPoolId: pool,
      authType: outcome.req === 4 ? 'NT' : 'Anonymous',
      authorization: auth ? { scheme: auth.scheme, mechanism: auth.mechanism, ntlm: auth.ntlm } : null,
      user: kind === 'success-slow' ? `CONTOSO\\${user}` : '',
      clientIp,
      events,
      authorizationHeaderLine: auth ? hdrEv.startLine + 15 : null, // <Event> + 15 = <Data Name="Headers">
      failureEvent: failed ? { eventStartLine: failed.startLine, opcodeLine: failed.opLine } : null,
      findings: outcome.code && failed ? [{ code: outcome.code, line: failed.startLine, opcodeLine: failed.opLine }] : [],
    };
    return { xml: lines.join('\r\n') + '\r\n', truth };
  };

  fs.mkdirSync(OUT, { recursive: true });
  const files: FrebFileTruth[] = [];
  const cases: Record<string, number> = {};
  for (let i = 1; i <= COUNT; i++) {
    const kind = pickCase();
    cases[kind] = (cases[kind] ?? 0) + 1;
    const { xml, truth } = makeTrace(i, kind);
    fs.writeFileSync(path.join(OUT, truth.file), xml);
    files.push(truth);
  }
  const findings: Record<string, number> = {};
  for (const t of files) for (const f of t.findings) findings[f.code] = (findings[f.code] ?? 0) + 1;
  const truth: FrebTruth = {
    synthetic: true,
    generator: 'test/support/frebGenerator.ts',
    seed: SEED,
    count: COUNT,
    mix: CASES,
    cases,
    findings,
    note: 'SYNTHETIC traces. Line numbers are 1-based (CRLF files). authorizationHeaderLine is the physical line holding the Authorization header (the <Data Name="Headers"> line). win32Status is the ErrorCode of MODULE_SET_RESPONSE_ERROR_STATUS (null when there is none). NTLM proofs/MICs are random and never verify.',
    files,
  };
  fs.writeFileSync(TRUTH, JSON.stringify(truth, null, 1) + '\n');
  return truth;
}

function main(argv: string[]): void {
  const f = cliFlags(argv);
  for (const k of f.keys()) if (!['count', 'out', 'seed', 'truth', 'mix', 'help'].includes(k)) throw new Error(`unknown option --${k}`);
  if (f.has('help')) {
    process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').slice(0, 21).join('\n') + '\n');
    return;
  }
  const str = (k: string): string | undefined => {
    const v = f.get(k);
    if (v === true) throw new Error(`--${k} needs a value`);
    return v;
  };
  const num = (k: string): number | undefined => {
    const v = str(k);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new Error(`--${k} needs a number`);
    return n;
  };
  const out = str('out') ?? './W3SVC1';
  const t0 = Date.now();
  const t = generateFreb({ out, count: num('count'), seed: num('seed'), truth: str('truth'), mix: str('mix') });
  process.stderr.write(`frebGenerator: ${t.count} traces in ${out}, cases ${JSON.stringify(t.cases)}, ${Date.now() - t0} ms\n`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`frebGenerator: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
