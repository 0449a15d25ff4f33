// Compare `node dist/cli.js decode --json` with the impacket reference (ref.py output).
// usage: node compare.mjs tokens.jsonl ref.jsonl > report.txt
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const [tokFile, refFile] = process.argv.slice(2);
const toks = readFileSync(tokFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const refs = new Map(readFileSync(refFile, 'utf8').split('\n').filter(Boolean).map((l) => { const o = JSON.parse(l); return [o.id, o]; }));
const CLI = new URL('../../../dist/cli.js', import.meta.url).pathname;

const NTLM_FIELDS = ['messageType', 'flags', 'domain', 'user', 'workstation', 'targetName', 'spn', 'channelBindings', 'channelBindingsState', 'mic', 'ntlmVersion', 'timestamp', 'osVersion'];
const KRB_FIELDS = ['realm', 'sname', 'etype'];
const normFlag = (f) => f.replace(/^NTLMSSP_RESERVED_r\d+$|^NTLMSSP_NEGOTIATE_LOCAL_CALL$/, 'reserved');

let compared = 0, fieldsCompared = 0;
const diffs = [];
const perField = {};
for (const t of toks) {
  const ref = refs.get(t.id);
  let ours;
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      ours = JSON.parse(execFileSync('node', [CLI, 'decode', '--json', '-'], { input: t.token, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }));
    } catch (e) {
      const out = e.stdout ? String(e.stdout) : '';
      try { ours = JSON.parse(out); } catch { ours = { cliError: String(e.stderr || e.message).trim() }; }
    }
    // dist/ is being rebuilt by a concurrent `node esbuild.mjs`: wait and ask again.
    if (!/Cannot find module|SyntaxError/.test(ours.cliError ?? '')) break;
    execFileSync('sleep', ['1']);
  }
  const d = [];
  if (!ref || ref.error) {
    d.push(['reference', ref?.error ?? 'missing', ours.error ?? ours.cliError ?? `decoded as ${ours.mechanism}`]);
  } else if (ours.error || ours.cliError) {
    d.push(['decode', ref.ref.mechanism, ours.error ?? ours.cliError]);
  } else {
    const r = ref.ref;
    compared++;
    const cmp = (f, a, b) => { fieldsCompared++; perField[f] = (perField[f] ?? 0) + 1; if (JSON.stringify(a) !== JSON.stringify(b)) d.push([f, a, b]); };
    cmp('mechanism', r.mechanism, ours.mechanism);
    if (r.ntlm) {
      for (const f of NTLM_FIELDS) {
        let a = r.ntlm[f], b = ours.ntlm?.[f];
        if (f === 'flags') { a = a.map((x) => x.startsWith('reserved:') ? 'reserved' : x); b = (b ?? []).map(normFlag); }
        cmp('ntlm.' + f, a, b);
      }
    }
    if (r.kerberos) for (const f of KRB_FIELDS) cmp('kerberos.' + f, r.kerberos[f], ours.kerberos?.[f]);
    if (r.spnego) { cmp('spnego.mechTypes', r.spnego.mechTypes, ours.spnego?.mechTypes); cmp('spnego.state', r.spnego.state, ours.spnego?.state); }
    // Informational: where impacket's own MIC/Version rule (NEGOTIATE_VERSION => fields) would differ.
    if (r.ntlm?._micImpacketRule !== undefined && r.ntlm._micImpacketRule !== r.ntlm.mic) d.push(['info:mic-impacket-rule', r.ntlm._micImpacketRule, ours.ntlm?.mic]);
    if (r.ntlm?._osVersionImpacket !== undefined && r.ntlm._osVersionImpacket !== r.ntlm.osVersion) d.push(['info:osVersion-impacket-rule', r.ntlm._osVersionImpacket, ours.ntlm?.osVersion]);
  }
  if (d.length) diffs.push({ id: t.id, source: t.source, token: t.token.length > 120 ? t.token.slice(0, 120) + '…' : t.token, d });
}
console.log(`tokens: ${toks.length}, decoded by both: ${compared}, fields compared: ${fieldsCompared}`);
console.log('per field:', JSON.stringify(perField));
const real = diffs.filter((x) => x.d.some(([f]) => !f.startsWith('info:')));
console.log(`tokens with differences: ${real.length}; with only impacket-rule notes: ${diffs.length - real.length}`);
for (const x of diffs) {
  console.log(`\n## ${x.id}  (${x.source ?? ''})\n   ${x.token}`);
  for (const [f, a, b] of x.d) console.log(`   ${f}: impacket=${JSON.stringify(a)}  ours=${JSON.stringify(b)}`);
}
