// W3C logs from outside our sample set, counted against an independent count (done by hand and
// with a separate script over the rule set the counts of test/fixtures/w3c follow), by the analyzer
// (findings) and the WebAssembly counter (--summary), which must agree.
// Texts: tstack/lnav @ 32f112b8de52da52988aff1a8cc92e7226c8902e test/logfile_w3c.{0,1,3,5}
// (BSD-2-Clause), byte for byte; the 401.1 BAD_BINDINGS line after w3c.3 is ours. And
// log2timeline/plaso test_data/{iis10_cookies,iis_ipv6_zone}.log @ 68508e021458af1e5d38e1cfb3b184f92f04881b /
// a39a6ac6ce33d2c9007aef8b82d8aa69cc55d81a, test_data/httperr/httperr_restart.log @ 4b5232ad70d048c6cb31292fd9e5b909491d1f19
// (Apache-2.0), CRLF as stored.
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

// #Date and #Fields before #Software; a cookie value with quotes inside a token (not W3C quoting)
const PLASO_COOKIES = `#Date: 2021-04-01 00:00:21\r
#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Cookie) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r
#Software: Microsoft Internet Information Services 10.0\r
#Version: 1.0\r
2021-04-01 00:00:21 111.111.111.111 GET /foo/bar/baz.asp - 80 - 222.222.222.222 Mozilla/5.0+(Windows+NT+5.1)+AppleWebKit/537.36+(KHTML,+like+Gecko)+Chrome/35.0.2309.372+Safari/537.36 OutlookSession="{AAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}" http://111.111.111.111/ 200 0 0 65\r
2021-04-01 00:00:21 111.111.111.111 GET /foo/bar/baz.asp - 80 - 222.222.222.222 Mozilla/5.0+(Windows+NT+5.1)+AppleWebKit/537.36+(KHTML,+like+Gecko)+Chrome/35.0.2309.372+Safari/537.36 username=realm\\user http://111.111.111.111/ 200 0 0 65\r
2021-04-01 00:00:21 111.111.111.111 GET /foo/bar/baz.asp - 80 - 222.222.222.222 Mozilla/5.0+(Windows+NT+5.1)+AppleWebKit/537.36+(KHTML,+like+Gecko)+Chrome/35.0.2309.372+Safari/537.36 username=realm@user http://111.111.111.111/ 200 0 0 65\r
`;
// IPv6 zone ids (%3, %eth0) and two blanks where cs-username's neighbour was emptied
const PLASO_IPV6 = `#Software: Microsoft Internet Information Services 10.0
#Version: 1.0
#Date: 2021-08-07 00:00:01
#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken
2022-01-01 00:01:24 fe80::1ff:fe23:4567:890a%3 POST /powershell clientApplication=ActiveMonitor;PSVersion=5.1.14393.4467 444  random\\ranuser1 ::1 Microsoft+WinRM+Client - 200 0 0 15
2022-01-02 00:01:25 ::1 GET /api/test - 443  testuser fe80::abcd:ef01:2345:6789%eth0 Mozilla/5.0 - 200 0 0 20
2022-01-03 00:01:26 2001:db8::1%2 POST /endpoint - 443  admin 192.168.1.100 curl/7.68.0 - 404 0 0 10
`;
// HTTPERR: a restart with a longer layout (streamid, transport, fault codes), '-' for status, HTTP/3
const PLASO_HTTPERR = `#Software: Microsoft HTTP API 2.0\r
#Version: 1.0\r
#Date: 2025-03-14 08:00:01\r
#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status s-siteid s-reason s-queuename\r
2025-03-14 08:00:01 192.0.2.10 50123 192.0.2.1 80 HTTP/1.1 GET /default.aspx 503 1 AppOffline DefaultAppPool\r
2025-03-14 08:02:15 192.0.2.11 50124 192.0.2.1 80 - - - - - Timer_ConnectionIdle -\r
2025-03-14 08:03:40 192.0.2.12 50125 192.0.2.1 443 HTTP/1.1 GET /Page'+AND+2*3*8=6*8+AND+'oLjH'!='oLjH%/CookiePolicy 400 1 BadRequest -\r
2025-03-14 08:03:41 192.0.2.12 50126 192.0.2.1 443 HTTP/1.1 GET /(select+198766*667891)/index.js#frag{}|^~[]\`<>@$ 400 1 BadRequest -\r
#Software: Microsoft HTTP API 2.0\r
#Version: 1.0\r
#Date: 2025-03-14 09:15:00\r
#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri streamid streamid_ex sc-status s-siteid s-reason s-queuename transport fault-code extended-fault-code\r
2025-03-14 09:15:02 2001:db8::5%12 50200 2001:db8::1 443 HTTP/2.0 POST /api/upload 3 - 413 2 Request_Too_Large MyAppPool TCP - -\r
2025-03-14 09:15:07 192.0.2.13 50201 192.0.2.1 443 HTTP/3 GET /status 5 - 503 2 QueueFull MyAppPool QUIC 0x80070008 0x1\r
`;

async function both(text: string): Promise<Awaited<ReturnType<typeof analyzeW3cFile>>> {
  const dir = mkdtempSync(join(tmpdir(), 'w3c-unseen-'));
  try {
    const p = join(dir, 'u_ex.log');
    writeFileSync(p, text);
    const full = await analyzeW3cFile(p, { collectFindings: true });
    const counted = await analyzeW3cFile(p, { collectFindings: false });
    assert.deepEqual(
      { lines: counted.lines, requests: counted.requests, summary: counted.summary },
      { lines: full.lines, requests: full.requests, summary: full.summary },
      'the counter and the analyzer agree',
    );
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
  assert.deepEqual(
    a5.findings.map((f) => [f.line, f.code]),
    [[2, 'MALFORMED_LINE']],
  );
});

void test('IIS Advanced Logging (w3c.3): quoted values count as one field each; findings name c-ip without its quotes', async () => {
  const a = await both(W3C_3);
  assert.deepEqual([a.lines, a.requests, a.summary.status, a.summary.win32, a.summary.findings], [10, 3, { 200: 1, 301: 1, 404: 1 }, { 0: 3 }, {}]);
  const b = await both(W3C_3_BB);
  assert.deepEqual(b.summary.findings, { BAD_BINDINGS: 1 });
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

void test('plaso: directives out of order, IPv6 zones, an HTTPERR layout change - counted like the independent count', async () => {
  const c = await both(PLASO_COOKIES);
  assert.deepEqual([c.lines, c.requests, c.summary.status, c.summary.win32, c.summary.findings], [7, 3, { 200: 3 }, { 0: 3 }, {}]);
  const v6 = await both(PLASO_IPV6);
  assert.deepEqual([v6.lines, v6.requests, v6.summary.status, v6.summary.findings], [7, 3, { 200: 2, 404: 1 }, {}]);
  const h = await both(PLASO_HTTPERR);
  assert.deepEqual([h.lines, h.requests, h.summary.status, h.summary.win32, h.summary.findings], [14, 6, { 400: 2, 413: 1, 503: 2, '-': 1 }, {}, {}]);
  assert.deepEqual(h.summary.reason, { BadRequest: 2, AppOffline: 1, QueueFull: 1, Request_Too_Large: 1, Timer_ConnectionIdle: 1 });
});
