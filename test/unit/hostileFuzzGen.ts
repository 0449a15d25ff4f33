// Generators of hostile and unlucky text for every parser: long runs of one character behind the
// prefixes each format starts with, deep nesting, and huge counts of the format's own units.
// Each generator makes a text from a size n (about n units), so a test can compare n and 4n.

export interface HostileInput {
  name: string;
  make(n: number): string;
}

/** Characters whose long runs have hurt regexes and scanners (blanks, line ends, delimiters, quotes, markup). */
export const RUN_CHARS = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\u2028',
  '\u00a0',
  ',',
  ';',
  '<',
  '>',
  '"',
  "'",
  '=',
  ':',
  '[',
  '{',
  '-',
  '.',
  '0',
  'A',
  '%',
  '\\',
  '#',
  '*',
  '+',
  '\u0000',
  '\ud83d\ude00',
];

/** How each format's input starts, so a run lands inside the part a parser really reads. */
export const PREFIXES: Record<string, string> = {
  bare: '',
  authorization: 'Authorization: NTLM ',
  scheme: 'Negotiate ',
  wwwAuthenticate: 'WWW-Authenticate: Negotiate,',
  w3c: '#Software: Microsoft Internet Information Services 10.0\n#Fields: date time c-ip cs-username cs-uri-stem sc-status sc-substatus sc-win32-status\n2026-11-21 10:00:00 52.1.2.3 ',
  freb: '<?xml version="1.0"?><failedRequest url="https://h/EWS/mrsproxy.svc" statusCode="401.1"><Event><EventData><Data Name="Headers">Authorization: NTLM ',
  hcw: '2024.11.05 14:23:18.825 10277 [Client=UX, Session=Tenant, Cmdlet=Test-MigrationServerAvailability, Thread=12] FINISH Time=5,0ms {ErrorDetail=',
  wcf: "The HTTP request is unauthorized with client authentication scheme 'Negotiate'. The authentication header received from the server was '",
  url: 'https://mail.contoso.test/EWS/',
};

export function runInputs(chars: readonly string[] = RUN_CHARS, prefixes: Record<string, string> = PREFIXES): HostileInput[] {
  const out: HostileInput[] = [];
  for (const [p, prefix] of Object.entries(prefixes)) {
    for (const c of chars) out.push({ name: `${p} + run of ${JSON.stringify(c)}`, make: (n) => `${prefix}${c.repeat(n)}x` });
  }
  return out;
}

export const NESTING: HostileInput[] = [
  { name: 'nested elements', make: (n) => `<failedRequest>${'<a>'.repeat(n)}${'</a>'.repeat(n)}</failedRequest>\n` },
  { name: 'unclosed elements', make: (n) => '<a>'.repeat(n) },
  { name: 'tags without end', make: (n) => `Authorization: NTLM ${'<a'.repeat(n)}` },
  { name: 'JSON arrays', make: (n) => `${'['.repeat(n)}${']'.repeat(n)}` },
  { name: 'JSON objects', make: (n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}` },
  {
    name: 'JWT with nested claims',
    make: (n) =>
      `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"a":${'['.repeat(n)}${']'.repeat(n)}}`).toString('base64url')}.`,
  },
  { name: 'parentheses', make: (n) => `(401) Unauthorized ${'('.repeat(n)}${')'.repeat(n)}` },
  { name: 'quotes in quotes', make: (n) => `'${`"'`.repeat(n)}'` },
  { name: 'HCW brackets', make: (n) => `2024.11.05 14:23:18.825 1 [${'['.repeat(n)}] START` },
];

export const COUNTS: HostileInput[] = [
  { name: 'W3C fields', make: (n) => `#Fields: ${Array.from({ length: n }, (_, i) => `x-f${i}`).join(' ')}\n${Array(n).fill('-').join(' ')}\n` },
  {
    name: 'W3C lines, each its own handshake',
    make: (n) =>
      `#Fields: date time c-ip cs-uri-stem sc-status sc-substatus sc-win32-status\n${Array.from({ length: n }, (_, i) => `2026-11-21 10:00:${String(i % 60).padStart(2, '0')} 10.0.${(i >> 8) & 255}.${i & 255} /u${i} 401 1 2148074254`).join('\n')}\n`,
  },
  { name: 'elements on one line', make: (n) => `<r>${'<a/>'.repeat(n)}</r>\n` },
  { name: 'offered schemes', make: (n) => `WWW-Authenticate: ${'Negotiate, '.repeat(n)}NTLM` },
  {
    name: 'HCW entries',
    make: (n) =>
      Array.from({ length: n }, (_, i) => `2024.11.05 14:23:${String(i % 60).padStart(2, '0')}.397 ${i} [Client=UX, Cmdlet=Get-X, Thread=${i}] START`).join(
        '\n',
      ),
  },
  {
    name: 'FREB events',
    make: (n) =>
      `<failedRequest url="https://h/">${'<Event><System><Opcode>1</Opcode></System><EventData><Data Name="ErrorCode">2148074310</Data></EventData></Event>'.repeat(n)}</failedRequest>\n`,
  },
  { name: 'SSPI codes', make: (n) => '0x80090346 '.repeat(n) },
  { name: 'URLs', make: (n) => 'https://a.msappproxy.net/EWS/mrsproxy.svc '.repeat(n) },
  { name: 'timestamps', make: (n) => '2024-11-05T14:23:18.825Z '.repeat(n) },
];

export function allHostileInputs(): HostileInput[] {
  return [...runInputs(), ...NESTING, ...COUNTS];
}
