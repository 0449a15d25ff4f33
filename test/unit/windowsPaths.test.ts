// Windows is where our users are: their logs live at C:\inetpub\logs\LogFiles\W3SVC1\u_ex*.log, their
// traces at \\ex01\c$\inetpub\logs\FailedReqLogFiles\W3SVC1\fr*.xml, IIS writes CRLF, and VS Code
// hands us file URIs such as file:///c%3A/inetpub/... Every function that takes a path as text is
// checked with such paths here, on any platform: the ones that touch the disk walk an in-memory
// Windows tree joined with path.win32.sep. (The whole suite on Windows: see scripts/e2e-electron.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Dirent, Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { baseName, detectFileKind, FREB_NAME, isIisLogName, kindByName } from '../../src/core/files/fileKind';
import { readError, scanFolder, sniffBytes, walkFolder, type LogFs } from '../../src/node/logFiles';
import { frebCopyPlan } from '../../src/core/freb/frebSearch';
import { analyzeW3cBuffer } from '../../src/core/w3c/w3cAnalyze';
import { parseW3cDocument } from '../../src/core/w3c/w3cDocument';
import { buildAuthTimeline } from '../../src/core/timeline/authTimeline';
import { hoverMarkdown } from '../../src/server/features/errorTextHover';
import { explainText } from '../../src/core/explain/explainText';
import { serverNameFromPath } from '../../src/core/iisConfig/epServers';
import { webConfigLocationFromPath } from '../../src/core/iisConfig/epConfig';

const LOG = 'C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex261121.log';
const UNC_FREB = '\\\\ex01\\c$\\inetpub\\logs\\FailedReqLogFiles\\W3SVC1';

const FIELDS =
  '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';
const ROWS = [
  '2026-11-21 10:00:00 10.0.1.21 POST /EWS/mrsproxy.svc - 443 - 52.101.4.7 Microsoft+Office/16.0 - 401 2 5 0',
  '2026-11-21 10:00:00 10.0.1.21 POST /EWS/mrsproxy.svc - 443 - 52.101.4.7 Microsoft+Office/16.0 - 401 1 2148074254 1',
  '2026-11-21 10:00:01 10.0.1.21 POST /EWS/mrsproxy.svc - 443 - 52.101.4.7 Microsoft+Office/16.0 - 401 1 2148074310 15',
];
/** An IIS log as IIS writes it: CRLF after every line, the last one too. */
const CRLF_LOG =
  ['#Software: Microsoft Internet Information Services 10.0', '#Version: 1.0', '#Date: 2026-11-21 10:00:00', FIELDS, ...ROWS].join('\r\n') + '\r\n';

void test('base names and kinds of drive-letter, UNC and mixed-separator paths', () => {
  assert.equal(baseName(LOG), 'u_ex261121.log');
  assert.equal(baseName(`${UNC_FREB}\\fr000017.xml`), 'fr000017.xml');
  assert.equal(baseName('C:/inetpub/logs/LogFiles/W3SVC1\\u_ex261121.log.gz'), 'u_ex261121.log.gz');
  assert.equal(baseName('C:\\'), '');
  assert.equal(kindByName(LOG), 'w3c');
  assert.equal(kindByName(`${UNC_FREB}\\fr000017.xml`), 'freb');
  assert.equal(kindByName(`${UNC_FREB}\\FR000017.XML.gz`), 'freb');
  assert.equal(kindByName(`${UNC_FREB}\\freb.xsl`), 'unknown');
  // the folder names must not count: W3SVC1 is no log, FailedReqLogFiles no trace
  assert.equal(kindByName('C:\\inetpub\\logs\\LogFiles\\W3SVC1'), 'unknown');
  assert.equal(kindByName('\\\\ex01\\u_ex261121.log\\notes.txt'), 'unknown');
  for (const name of ['u_ex261121.log', 'u_in261121.log', 'u_nc261121.log', 'ex261121.log', 'httperr1.log', 'u_ex261121_x.log', 'u_ex261121.log.gz']) {
    assert.equal(isIisLogName(`C:\\inetpub\\logs\\LogFiles\\W3SVC1\\${name}`), true, name);
    assert.equal(isIisLogName(`\\\\ex01\\c$\\inetpub\\logs\\LogFiles\\W3SVC1\\${name}`), true, name);
  }
  assert.equal(isIisLogName('C:\\Windows\\System32\\LogFiles\\HTTPERR\\notes.txt'), false);
  assert.ok(FREB_NAME.test(baseName(`${UNC_FREB}\\fr000001.xml`)));
});

void test('the kind of a named Windows path: content first, the base name (not the folders) for an unreadable file', () => {
  assert.equal(detectFileKind(CRLF_LOG, `${UNC_FREB}\\export.txt`, 'content').kind, 'w3c');
  assert.equal(detectFileKind('', LOG, 'named').kind, 'w3c');
  assert.equal(detectFileKind('just text\r\n', 'C:\\inetpub\\logs\\LogFiles\\W3SVC1\\readme.txt', 'named').kind, 'unknown');
  const gz = sniffBytes(gzipSync(Buffer.from(CRLF_LOG)), `${LOG}.gz`, 'named');
  assert.equal(gz.kind, 'w3c');
  assert.equal(gz.gzip, true);
  assert.equal(gz.lineEnds, 'crlf');
  assert.match(
    readError(`${UNC_FREB}\\fr000001.xml`, Object.assign(new Error('x'), { code: 'EACCES' })),
    /^\\\\ex01\\c\$\\.*\\fr000001\.xml: cannot read: permission denied$/,
  );
});

/** An in-memory Windows file system: paths as IIS and Explorer write them, compared without case like NTFS. */
function windowsFs(files: Record<string, Buffer | string>): LogFs {
  // a trailing backslash names the same folder, as on NTFS
  const key = (p: unknown): string => String(p).toLowerCase().replace(/\\+$/, '');
  const content = new Map(Object.entries(files).map(([p, c]) => [key(p), Buffer.from(c)]));
  const dirs = new Set<string>();
  for (const p of Object.keys(files))
    for (let d = path.win32.dirname(p); !dirs.has(key(d)) && d !== path.win32.dirname(d); d = path.win32.dirname(d)) dirs.add(key(d));
  const enoent = (p: unknown): Error => Object.assign(new Error(`ENOENT: no such file or directory, '${String(p)}'`), { code: 'ENOENT' });
  const dirent = (name: string, dir: boolean): Dirent =>
    ({ name: Buffer.from(name), isDirectory: () => dir, isFile: () => !dir, isSymbolicLink: () => false }) as unknown as Dirent;
  return {
    readdir: async (p) => {
      const d = key(p);
      if (!dirs.has(d)) throw enoent(p);
      const names = new Map<string, boolean>();
      for (const f of Object.keys(files)) {
        if (!key(f).startsWith(d + '\\')) continue;
        const rest = f.slice(d.length + 1).split('\\');
        names.set(rest[0], rest.length > 1);
      }
      return [...names].map(([n, isDir]) => dirent(n, isDir));
    },
    stat: async (p) => {
      if (!content.has(key(p))) throw enoent(p);
      return { isFile: () => true } as Stats;
    },
    open: async (p) => {
      const c = content.get(key(p));
      if (!c) throw enoent(p);
      return {
        read: async (buf: Buffer, off: number, len: number, pos: number) => ({ bytesRead: c.copy(buf, off, pos, pos + len), buffer: buf }),
        close: async () => undefined,
      } as unknown as FileHandle;
    },
  };
}

const TRACE =
  '<?xml version="1.0" encoding="UTF-8"?>\r\n<?xml-stylesheet type=\'text/xsl\' href=\'freb.xsl\'?>\r\n<failedRequest url="https://mail.contoso.test:443/EWS/mrsproxy.svc" statusCode="401.1">\r\n</failedRequest>\r\n';

void test('a UNC folder walked with path.win32.sep: backslash paths, logs and traces by content, the recycle bin left out', async () => {
  const root = '\\\\ex01\\c$\\inetpub\\logs';
  const fs = windowsFs({
    [`${root}\\LogFiles\\W3SVC1\\u_ex261121.log`]: CRLF_LOG,
    [`${root}\\LogFiles\\W3SVC1\\u_ex261120.log.gz`]: gzipSync(Buffer.from(CRLF_LOG)),
    [`${root}\\FailedReqLogFiles\\W3SVC1\\fr000017.xml`]: TRACE,
    [`${root}\\FailedReqLogFiles\\W3SVC1\\freb.xsl`]: '<xsl:stylesheet/>',
    [`${root}\\$RECYCLE.BIN\\u_ex250101.log`]: CRLF_LOG,
  });
  const walk = await walkFolder(root, { fs, sep: path.win32.sep });
  assert.deepEqual(walk.errors, []);
  assert.deepEqual(
    walk.files.map((f) => f.path),
    [
      `${root}\\FailedReqLogFiles\\W3SVC1\\fr000017.xml`,
      `${root}\\FailedReqLogFiles\\W3SVC1\\freb.xsl`,
      `${root}\\LogFiles\\W3SVC1\\u_ex261120.log.gz`,
      `${root}\\LogFiles\\W3SVC1\\u_ex261121.log`,
    ],
  );
  // the FREB folder search's file list: traces by their IIS name below the folder
  const traces = (await walkFolder(UNC_FREB.replace('\\\\ex01\\c$\\inetpub\\logs', root), { fs, sep: '\\' })).files.filter((f) =>
    FREB_NAME.test(baseName(f.path)),
  );
  assert.deepEqual(
    traces.map((f) => f.fsPath),
    [`${root}\\FailedReqLogFiles\\W3SVC1\\fr000017.xml`],
  );
  const scan = await scanFolder(`${root}\\`, { fs, sep: path.win32.sep });
  assert.deepEqual(
    scan.entries.map((e) => [e.path, e.kind, e.error]),
    [
      [`${root}\\FailedReqLogFiles\\W3SVC1\\fr000017.xml`, 'freb', undefined],
      [`${root}\\LogFiles\\W3SVC1\\u_ex261120.log.gz`, 'w3c', undefined],
      [`${root}\\LogFiles\\W3SVC1\\u_ex261121.log`, 'w3c', undefined],
    ],
  );
  assert.deepEqual(scan.skipped, [`${root}\\FailedReqLogFiles\\W3SVC1\\freb.xsl`]);
  const missing = await scanFolder('D:\\logs', { fs, sep: '\\' });
  assert.match(missing.entries[0].error!, /^D:\\logs: cannot read: no such file or folder$/);
});

void test("copying FREB matches: names from two servers' W3SVC1 folders do not collide, a trace is never copied onto itself (any case)", () => {
  const files = [
    '\\\\ex01\\c$\\inetpub\\logs\\FailedReqLogFiles\\W3SVC1\\fr000001.xml',
    '\\\\ex02\\c$\\inetpub\\logs\\FailedReqLogFiles\\W3SVC1\\fr000001.xml',
    '\\\\ex02\\c$\\inetpub\\logs\\FailedReqLogFiles\\W3SVC2\\fr000001.xml',
    'C:\\inetpub\\logs\\FailedReqLogFiles\\W3SVC1\\fr000042.xml',
    'c:\\temp\\freb-matches\\FR000099.xml',
  ];
  const plan = frebCopyPlan(files, 'C:\\Temp\\FREB-matches', path.win32);
  assert.equal(plan.destination, 'C:\\Temp\\FREB-matches');
  assert.deepEqual(
    plan.copies.map((c) => path.win32.basename(c.target)),
    ['W3SVC1_fr000001.xml', '_W3SVC1_fr000001.xml', 'W3SVC2_fr000001.xml', 'fr000042.xml'],
  );
  assert.ok(plan.copies.every((c) => c.target.startsWith('C:\\Temp\\FREB-matches\\')));
  assert.deepEqual(
    plan.copies.map((c) => c.src),
    files.slice(0, 4),
  );
  // freb.xsl is looked for beside each source folder
  assert.ok(plan.sourceDirs.has('\\\\ex01\\c$\\inetpub\\logs\\FailedReqLogFiles\\W3SVC1'));
  assert.equal(plan.sourceDirs.size, 5);
});

void test('an IIS log with CRLF: no CR in any value, the same analysis and timeline as with LF, line numbers of the file', () => {
  const lf = CRLF_LOG.replace(/\r\n/g, '\n');
  const a = analyzeW3cBuffer(Buffer.from(CRLF_LOG));
  const b = analyzeW3cBuffer(Buffer.from(lf));
  assert.deepEqual({ ...a, bytes: 0 }, { ...b, bytes: 0 });
  assert.equal(a.bytes, Buffer.byteLength(CRLF_LOG));
  const bad = a.findings.find((f) => f.code === 'BAD_BINDINGS')!;
  assert.equal(bad.line, 7);
  const m = parseW3cDocument(CRLF_LOG);
  assert.equal(m.value(7, 'time-taken'), '15');
  assert.equal(m.value(7, 'sc-win32-status'), '2148074310');
  // the last line too (IIS ends it with CRLF): the text of a line carries neither CR nor LF, so
  // diagnostics and outline ranges end at the last character
  for (let line = 1; line <= m.lineCount; line++) assert.doesNotMatch(m.lineText(line), /[\r\n]/, `line ${line}`);
  assert.equal(m.lineText(7), ROWS[2]);
  assert.equal(m.lineCount, 7);
  assert.equal(parseW3cDocument(lf).lineText(7), ROWS[2]);
  assert.deepEqual(buildAuthTimeline(Buffer.from(CRLF_LOG)).urls, buildAuthTimeline(Buffer.from(lf)).urls);
});

/** The arguments of a command: link in hover Markdown. */
function linkArgs(md: string, command: string): unknown[] {
  const m = new RegExp(`\\(command:${command.replace('.', '\\.')}\\?([^) "]+)`).exec(md);
  assert.ok(m, `${command} link in the hover`);
  return JSON.parse(decodeURIComponent(m[1])) as unknown[];
}

void test("file URIs of Windows paths (drive letter, UNC, spaces, $ and %) survive the hover's command links unchanged", () => {
  const text =
    "Error: The HTTP request is unauthorized with client authentication scheme 'Negotiate'. The authentication header received from the server was 'Negotiate, NTLM'. https://mail.contoso.test/EWS/mrsproxy.svc";
  const match = explainText(text)[0];
  assert.ok(match, 'the MRS error text is recognised');
  for (const uri of [
    'file:///c%3A/inetpub/logs/LogFiles/W3SVC1/u_ex261121.log',
    'file://ex01/c%24/inetpub/logs/FailedReqLogFiles/W3SVC1/fr000017.xml',
    'file:///c%3A/Users/Migration%20Admin/Desktop/move%20errors%20%28EN%29.txt',
    'untitled:Untitled-1',
  ]) {
    const md = hoverMarkdown(uri, match);
    for (const cmd of ['iisAuthLens.explainError', 'iisAuthLens.findMatchingIisLines']) {
      const [args] = linkArgs(md, cmd) as [{ uri: string; line: number }];
      assert.equal(args.uri, uri, cmd);
      assert.equal(args.line, match.line);
    }
  }
});

void test("a server's name from the path of its applicationHost.config: a copy per server, or each server's admin share", () => {
  // read over the network from one admin workstation, as one does for several Exchange servers
  assert.equal(serverNameFromPath('\\\\ex01\\c$\\Windows\\System32\\inetsrv\\config\\applicationHost.config'), 'ex01');
  assert.equal(serverNameFromPath('\\\\EX02.contoso.test\\C$\\Windows\\System32\\inetsrv\\config\\applicationHost.config'), 'EX02.contoso.test');
  assert.equal(serverNameFromPath('D:\\configs\\EX03\\Windows\\System32\\inetsrv\\config\\applicationHost.config'), 'EX03');
  assert.equal(serverNameFromPath('C:\\copies\\EX04_applicationHost.config'), 'EX04');
});

void test('the virtual directory of an Exchange web.config from its Windows path, local or over the admin share', () => {
  const v15 = 'C:\\Program Files\\Microsoft\\Exchange Server\\V15';
  const unc = '\\\\ex01\\c$\\Program Files\\Microsoft\\Exchange Server\\V15';
  assert.equal(webConfigLocationFromPath(`${v15}\\FrontEnd\\HttpProxy\\ews\\web.config`), 'Default Web Site/EWS');
  assert.equal(webConfigLocationFromPath(`${unc}\\FrontEnd\\HttpProxy\\mapi\\web.config`), 'Default Web Site/MAPI');
  assert.equal(webConfigLocationFromPath(`${unc}\\ClientAccess\\Owa\\web.config`), 'Exchange Back End/OWA');
  // the back end's EWS (where /EWS/mrsproxy.svc runs) is one folder deeper
  assert.equal(webConfigLocationFromPath(`${v15}\\ClientAccess\\exchweb\\ews\\web.config`), 'Exchange Back End/EWS');
  assert.equal(webConfigLocationFromPath(`${unc}\\ClientAccess\\exchweb\\EWS\\WEB.CONFIG`), 'Exchange Back End/EWS');
  assert.equal(webConfigLocationFromPath('C:\\inetpub\\wwwroot\\web.config'), null);
});
