// W3C logs from outside our sample set, counted against an independent count (done by hand and
// with a separate script over the same rule set as ../shared/data/SOURCES.md), by the analyzer
// (findings) and the WebAssembly counter (--summary), which must agree.
// Texts: tstack/lnav @ 32f112b8de52da52988aff1a8cc92e7226c8902e test/logfile_w3c.{0,1,3,5}
// (BSD-2-Clause), byte for byte; the 401.1 BAD_BINDINGS line after w3c.3 is ours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeW3cFile } from '../../src/core/w3c/w3cAnalyze';

// HTTP Server API 2.0 with text after the #Version/#Date values
const W3C_0 = `#Software: Microsoft HTTP Server API 2.0
#Version: 1.0   // the log file version as it's described by "https://www.w3.org/TR/WD-logfile".
#Date: 2002-05-02 17:42:15  // when the first log file entry was recorded, which is when the entire log file was created.
#Fields: date time c-ip cs-username s-ip s-port cs-method cs-uri-stem cs-uri-query sc-status cs(User-Agent)
2002-05-02 17:42:15 172.22.255.255 - 172.30.255.255 80 GET /images/picture.jpg - 200 Mozilla/4.0+(compatible;MSIE+5.5;+Windows+2000+Server)
`;
// #Fields with double spaces, #Date after #Fields, runs of blanks and quoted values with spaces
const W3C_1 = `#Version: 1.0
#GMT-Offset: -0800
#Software: Oracle9iAS Web Cache/2.0.0.2.0
#Start-Date: 2001-10-31 00:00:18
#Fields:  c-ip  c-dns  c-auth-id  date  time  cs-method  cs-uri  sc-status  bytes  cs(Cookie)  cs(Referrer)  time-taken  cs(User-Agent)
#Date: 2001-10-31 00:00:18
64.103.37.2      client_joaz7      DMS.user      2001-10-31     00:00:18      GET      /admin/images/oc_bottomleft.gif    200     350    "BIGipServerwww_webcache_pool=1443321748.19460.0000;ORA_UCM_AGID=%2fMP%2f8M7%3etSHPV%40%2fS%3f%3fDh3VHO"         "http://www.oracle.com/nl/partner/content.html"      370879      "Mozilla/4.5 [en] (WinNT; I)"
`;
// IIS Advanced Logging: blank lines between directives, quoted c-ip/strings, "" inside quotes
const W3C_3 = `#Software: IIS Advanced Logging Module

#Version: 1.0

#Start-Date: 2014-11-18 00:00:00.128

#Fields:   date-local time-local   s-ip   cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) cs(Host) sc-status sc-substatus sc-win32-status TimeTakenMS
2012-08-15 17:00:00.363 1.2.3.4 GET /Products/theProduct - 80 - "70.95.0.0" "Mozilla/5.0 (Linux; Android 4.4.4; SM-G900V Build/KTU84P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/39.0.2171.59 Mobile Safari/537.36" "http://example.com/Search/SearchResults.pg?informationRecipient.languageCode.c=en" "xzy.example.com" 200 0 0 109
2012-08-15 17:00:00.660 10.10.28.140 GET /Topic/hw43061 - 80 - - "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/41.0.2227.1 Safari/537.36" - "example.hello.com" 301 0 0 0
2012-08-15 17:00:00.675 10.10.28.140 GET /hello/world/6,681965 - 80 - "173.5.0.0" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/37.0.2062.124 Safari/537.36" - "hello.example.com" 404 " ""garbage"" w/ spaces " 0 359
`;
const W3C_3_BB = W3C_3 + '2012-08-15 17:00:01.363 1.2.3.4 POST /EWS/mrsproxy.svc - 443 - "70.95.0.0" "MSRPC" - "mail.contoso.test" 401 1 2148074310 15\n';
// Incapsula LOGS API: every value quoted, sc-status "200" and "" (empty)
const W3C_4 = `#Software: Incapsula LOGS API
#Version: 1.1
#Date: 28/Jun/2017 07:28:59
#Fields: date time cs-vid cs-clapp cs-browsertype cs-js-support cs-co-support c-ip s-caip cs-clappsig s-capsupport s-suid cs(User-Agent) cs-sessionid s-siteid cs-countrycode s-tag cs-cicode s-computername cs-lat cs-long s-accountname cs-uri cs-postbody cs-version sc-action s-externalid cs(Referrer) s-ip s-port cs-method cs-uri-query sc-status s-xff cs-bytes cs-start cs-rule cs-severity cs-attacktype cs-attackid s-ruleName
"2017-06-28" "07:26:35" "a1f36498-c34a-45b9-b3a5-ee0bd00f91b6" "Chrome" "Browser" "false" "true" "123.123.123.123" "" "62a660e57ba257275cf7ccf699919eae18e07e84cb11c1075e99b1be98456059d3064ec14d3932ba6e89f5393a158b8b8c2572ad7ad7dadb0fe02a34ae4c3d504c035017bf9a6a7802bb898226378938" "NA" "774502" "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/58.0.3029.110 Safari/537.36" "452000660051880893" "44850949" "SE" "LS" "Stockholm" "www.example.com" "32.0000" "32.0000" "Customer" "www.example.com/page.php" "" "HTTP" "REQ_PASSED" "118866685985031205" "" "124.124.124.124" "80" "GET" "variable=test" "200" "123.123.123.123" "10117" "1498634795555" "" "" "" "" ""
"2017-06-26" "18:21:17" "daf5e234-24fc-4a69-985c-ab923529b393" "Firefox" "Browser" "false" "true" "125.125.125.125" "" "030404c9ac184e57a6c956e6bfad11dc23186ea6cf166908c6bc7db81aab7170e33740ea4d2972210f96e3365d25eb25a222f316a4f9221f39e56035fa9a49c80f9eedd9b846bb0491abe72a4b988e7cd3e7117283cee9f556726334972b7ce9" "NA" "774502" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.10; rv:45.0) Gecko/20100101 Thunderbird/45.8.0 Lightning/4.7.8" "000000830000750000" "85437078" "SE" "XX" "Town" "www.example.com" "66.3333" "66.3333" "Company" "www.example.com/rss/news" "" "HTTP" "REQ_BAD_SERVER_CLOSED_CONNECTION" "3004162128217401" "" "125.125.125.125" "80" "GET" "" "" "125.125.125.125" "" "1498501277430" "" "" "" "" ""
`;
// a #Fields line shorter than the data line after it
const W3C_5 = `#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query
2015-01-13 00:32:17 100.79.192.81 GET /robots.txt - 80 - 157.55.39.146 Mozilla/5.0+(compatible;+bingbot/2.0;++http://www.bing.com/bingbot.htm) - 404 0 2 1405 242 283
`;

async function both(text: string): Promise<Awaited<ReturnType<typeof analyzeW3cFile>>> {
  const dir = mkdtempSync(join(tmpdir(), 'w3c-unseen-'));
  try {
    const p = join(dir, 'u_ex.log');
    writeFileSync(p, text);
    const full = await analyzeW3cFile(p, { collectFindings: true });
    const counted = await analyzeW3cFile(p, { collectFindings: false });
    assert.deepEqual({ lines: counted.lines, requests: counted.requests, summary: counted.summary }, { lines: full.lines, requests: full.requests, summary: full.summary }, 'the counter and the analyzer agree');
    return full;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void test('lnav w3c.0/1/5: lines, requests, status and malformed lines as counted independently', async () => {
  const a0 = await both(W3C_0);
  assert.deepEqual([a0.lines, a0.requests, a0.summary.status, a0.summary.win32, a0.summary.findings], [5, 1, { 200: 1 }, {}, {}]);
  const a1 = await both(W3C_1);
  assert.deepEqual([a1.lines, a1.requests, a1.summary.status, a1.summary.findings], [7, 1, { 200: 1 }, {}]);
  const a5 = await both(W3C_5);
  assert.deepEqual([a5.lines, a5.requests, a5.summary.status, a5.summary.findings], [2, 0, {}, { MALFORMED_LINE: 1 }]);
  assert.deepEqual(a5.findings.map((f) => [f.line, f.code]), [[2, 'MALFORMED_LINE']]);
});

void test('IIS Advanced Logging (w3c.3): quoted values count as one field each; findings name c-ip without its quotes', async () => {
  const a = await both(W3C_3);
  assert.deepEqual([a.lines, a.requests, a.summary.status, a.summary.win32, a.summary.findings], [10, 3, { 200: 1, 301: 1, 404: 1 }, { 0: 3 }, {}]);
  const b = await both(W3C_3_BB);
  assert.deepEqual(b.summary.findings, { BAD_BINDINGS: 1, HANDSHAKE_INCOMPLETE: 1 });
  for (const f of b.findings) {
    assert.equal(f.line, 11);
    assert.equal(f.clientIp, '70.95.0.0', `${f.code} clientIp`);
    assert.equal(f.uri, '/EWS/mrsproxy.svc');
  }
});

void test('Incapsula (w3c.4): a quoted status "200" counts as 200 (analyzer and kernel), an empty "" not at all', async () => {
  const a = await both(W3C_4);
  assert.deepEqual([a.lines, a.requests, a.summary.status, a.summary.win32, a.summary.findings], [6, 2, { 200: 1 }, {}, {}]);
});
