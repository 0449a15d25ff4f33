// Human renderings of a decoded token: a plain-text table (CLI) and markdown (hover, decode
// document). The channel-binding line comes right after the mechanism: it is what an admin
// chasing SEC_E_BAD_BINDINGS needs first.
import type { DecodeResult, NtlmJson } from './authHeader';
import { formatFingerprint } from './thumbprint';
import type { ChannelBindingsComparison } from './channelBindings';
import { mdFence, mdText } from './markdown';

export interface Row {
  label: string;
  value: string;
}

/** Short flag names without the NTLMSSP_NEGOTIATE_ prefix. */
export function shortFlags(flags: string[]): string {
  return flags.map((f) => f.replace(/^NTLMSSP_NEGOTIATE_|^NTLM_NEGOTIATE_|^NTLMSSP_/, '')).join(' ');
}

/** The MIC of an AUTHENTICATE: announced by MsvAvFlags (the contract's `mic`), or a value in the field that nothing announces. */
export function micText(n: NtlmJson): string {
  const value = n.micValue ? ` ${n.micValue}` : '';
  if (n.mic) return `yes${value}`;
  return n.micFieldSet ? `field set, not announced by MsvAvFlags${value}` : 'no';
}

/** The VERSION field: negotiated (with the NTLM revision), or bytes shown as what they are without NTLMSSP_NEGOTIATE_VERSION. */
export function versionText(n: NtlmJson): string | null {
  const v = n.version;
  if (!v) return null;
  if (v.negotiated) return `${v.text}, NTLM revision ${v.ntlmRevision}`;
  return `${v.text}, NTLM revision ${v.ntlmRevision} (NOT negotiated: NTLMSSP_NEGOTIATE_VERSION is not set, so these bytes carry no meaning)`;
}

export function cbtLine(n: NtlmJson): string {
  if (n.messageType !== 3) return 'n/a (only an AUTHENTICATE message carries channel bindings)';
  switch (n.channelBindingsState) {
    case 'present':
      if (n.channelBindingsMalformed) {
        const len = (n.channelBindings ?? '').length / 2;
        return `present but MALFORMED: ${len} bytes${len ? ' ' + n.channelBindings : ''} where MS-NLMP requires 16 (an MD5 hash); IIS cannot match it`;
      }
      return `present ${n.channelBindings}`;
    case 'zero':
      return 'zero (the client sent all-zero bindings: it had no TLS channel to bind)';
    default:
      return n.ntlmVersion === 2 ? 'absent (no MsvAvChannelBindings: Extended Protection "Require" rejects this)' : 'absent';
  }
}

function comparisonLine(c: ChannelBindingsComparison): string {
  const head = { match: 'MATCH', mismatch: 'MISMATCH', zero: 'ZERO', absent: 'ABSENT' }[c.state];
  return `${head} against ${c.certificate}, SHA-256 ${formatFingerprint(c.certificateSha256)} (expected ${c.expected})`;
}

/** Rows of the summary table, most important first. */
export function decodeRows(r: DecodeResult, cmp?: ChannelBindingsComparison | null): Row[] {
  const rows: Row[] = [];
  const add = (label: string, value: string | number | null | undefined) => {
    if (value !== null && value !== undefined && value !== '') rows.push({ label, value: String(value) });
  };
  add('Header', r.header);
  add('Scheme', r.scheme ?? '(bare token)');
  if (r.spnego) {
    const s = r.spnego;
    const mechs = s.mechTypeNames.length ? `, mechTypes ${s.mechTypeNames.join(', ')}` : '';
    const req = s.reqFlags ? `, reqFlags ${s.reqFlags.length ? s.reqFlags.join(' ') : '(none set)'}` : '';
    add('SPNEGO', `${s.token}${s.state ? ' ' + s.state : ''}${mechs}${req}${s.mechListMIC ? ', mechListMIC' : ''}`);
  }
  const n = r.ntlm;
  if (n) {
    const ver = n.ntlmVersion ? `, NTLMv${n.ntlmVersion}` : n.messageType === 3 && n.anonymous ? ', no response (anonymous / local call)' : '';
    add('Mechanism', `NTLM ${n.messageTypeName} (type ${n.messageType})${ver}`);
    add('Channel bindings', cbtLine(n));
    if (cmp) add('CBT check', comparisonLine(cmp));
    if (n.messageType === 3) {
      add('User', n.domain ? `${n.domain}\\${n.user}` : n.user || '(empty)');
      add('Workstation', n.workstation || '(empty)');
      add('SPN', n.spn ?? (n.ntlmVersion === 2 ? '(none)' : null));
      add('MIC', micText(n));
    } else if (n.messageType === 2) {
      add('Target', n.targetName);
      add('Server', n.dnsComputerName ?? n.nbComputerName);
      add('Domain', n.dnsDomainName ?? n.nbDomainName);
      add('Challenge', n.serverChallenge);
    } else {
      add('Domain', n.domain);
      add('Workstation', n.workstation);
    }
    add('Timestamp', n.messageType === 3 && n.ntlmVersion === 2 && !n.timestamp ? '(no MsvAvTimestamp)' : n.timestamp);
    add('Client timestamp', n.clientTimestamp);
    add('OS version', versionText(n));
    add('Flags', `${n.flagsValue} ${shortFlags(n.flags)}`);
  } else if (r.kerberos) {
    const k = r.kerberos;
    add('Mechanism', `Kerberos ${k.messageType}`);
    if (cmp) add('CBT check', 'not visible: Kerberos carries channel bindings inside the encrypted authenticator');
    add('Realm', k.realm);
    add('Service (SPN)', k.sname);
    add('Ticket etype', k.etype !== null ? `${k.etype} ${k.etypeName ?? ''}`.trim() : null);
    add('Ticket kvno', k.kvno);
    add('Authenticator etype', k.authenticatorEtype);
    if (k.messageType === 'AP-REQ') add('Mutual auth', k.mutualRequired ? 'required' : 'not requested');
    if (k.messageType === 'KRB-ERROR') add('Error', `${k.errorCode ?? '?'} ${k.errorName ?? ''} ${k.errorText ?? ''}`.trim());
    add('Ticket', k.ticketCipherLength !== null ? `${k.ticketCipherLength} bytes, encrypted (not decoded)` : null);
  } else if (r.basic) {
    add('Mechanism', 'Basic');
    add('User', r.basic.user);
    add('Password', r.basic.passwordLength === null ? '(none)' : `${r.basic.passwordLength} characters (not shown)`);
  } else if (r.jwt) {
    const j = r.jwt;
    add('Mechanism', 'JWT (Bearer)');
    add('Signature', 'NOT verified: the claims are shown as the token states them');
    add('Algorithm', typeof j.header.alg === 'string' ? j.header.alg : null);
    for (const c of ['iss', 'aud', 'sub', 'upn', 'unique_name', 'appid', 'scp', 'roles']) {
      const v = j.claims[c];
      if (v !== undefined) add(c, typeof v === 'string' ? v : JSON.stringify(v));
    }
    add('Expires', j.expiresAt ? `${j.expiresAt}${j.expired ? ' (EXPIRED)' : ''}` : 'no exp claim');
  } else {
    add('Mechanism', r.mechanism === 'SPNEGO' ? 'SPNEGO (no inner token)' : r.mechanism);
    if (r.offers?.length) add('Offers', r.offers.join(', '));
  }
  add('Length', r.length !== undefined ? `${r.length} bytes` : null);
  for (const w of r.warnings ?? []) add('Note', w);
  return rows;
}

/** Plain two-column table for a terminal. */
export function formatDecodeText(r: DecodeResult, cmp?: ChannelBindingsComparison | null): string {
  const rows = decodeRows(r, cmp);
  const w = Math.max(...rows.map((x) => x.label.length));
  return rows.map((x) => `${x.label.padEnd(w)}  ${x.value}`).join('\n') + '\n';
}

/** Compact markdown table (hover). The CBT row is bold. */
export function decodeMarkdown(r: DecodeResult, cmp?: ChannelBindingsComparison | null): string {
  if (r.error) return `**Token could not be decoded:** ${mdText(r.error)}`;
  const rows = decodeRows(r, cmp).filter((x) => x.label !== 'Header');
  const lines = ['| | |', '|---|---|'];
  for (const x of rows) {
    const cbt = x.label === 'Channel bindings' || x.label === 'CBT check';
    lines.push(cbt ? `| **${x.label}** | **${mdText(x.value)}** |` : `| ${x.label} | ${mdText(x.value)} |`);
  }
  return lines.join('\n');
}

/** The full decode as a markdown document: the table, then every field as JSON. */
export function decodeDocument(r: DecodeResult, source: string, cmp?: ChannelBindingsComparison | null): string {
  const parts = [`# Decoded ${r.header ? mdText(r.header) + ' header' : 'token'}`, ''];
  parts.push(mdFence(source.length > 200 ? source.slice(0, 200) + '…' : source, 'text'), '');
  if (r.error) parts.push(`**Could not be decoded:** ${mdText(r.error)}`, '');
  else parts.push(decodeMarkdown(r, cmp), '');
  if (r.jwt) parts.push('> The JWT signature is **not verified**.', '');
  if (r.basic) parts.push('> The password is not shown. Use "Reveal Basic Authentication Password" to see it.', '');
  parts.push('## All fields', '', '```json', JSON.stringify(cmp ? { ...r, cbt: cmp } : r, null, 2), '```', '');
  return parts.join('\n');
}
