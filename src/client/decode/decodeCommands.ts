// Token commands:
// - `iisAuthLens.decodeAuthorizationHeader`: the hover's argument, else the selection, else the
//   token under the cursor, else an input box → the full decode as a read-only markdown document.
// - `iisAuthLens.checkChannelBindings`: an NTLM AUTHENTICATE (same sources) against a certificate
//   file or the leaf a `host:port` presents → match / zero / absent / mismatch.
// - `iisAuthLens.revealBasicPassword`: only on explicit request, after a modal confirmation, in a
//   modal message; the password is never logged or written anywhere.
// Tokens are never written to the log: only mechanism and message type are.
import * as vscode from 'vscode';
import type { ClientFeature } from '../context';
import { decodeToken, revealBasicPassword, type DecodeResult } from '../../core/authHeader';
import { CertificateError, compareChannelBindings, tlsServerEndPoint, type ChannelBindingsComparison } from '../../core/channelBindings';
import { fetchServerCertificate } from '../../probe/connection';
import { parseHostPort } from '../../probe/probeUrl';
import { findTokenAt } from '../../core/tokenLocate';
import { decodeDocument } from '../../core/tokenReport';

const SCHEME = 'iis-auth-lens-decode';

class DecodeDocuments implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private seq = 0;

  add(markdown: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/decoded-token-${++this.seq}.md` });
    this.docs.set(uri.toString(), markdown);
    if (this.docs.size > 20) this.docs.delete(this.docs.keys().next().value!);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? '';
  }
}

/** The last results (for the e2e suite); never holds a password. */
export let lastDecode: { uri: vscode.Uri; result: DecodeResult } | undefined;
export let lastCbtCheck: ChannelBindingsComparison | undefined;

/** The header/token text: command argument, selection, token under the cursor, or an input box. */
async function tokenText(arg: unknown, prompt: string): Promise<string | undefined> {
  if (typeof arg === 'string' && arg.trim()) return arg;
  const editor = vscode.window.activeTextEditor;
  if (editor) {
    if (!editor.selection.isEmpty) return editor.document.getText(editor.selection);
    const pos = editor.selection.active;
    const found = findTokenAt(editor.document.lineAt(pos.line).text, pos.character);
    if (found) return found.text;
  }
  return vscode.window.showInputBox({
    title: prompt,
    prompt: vscode.l10n.t('A header line (Authorization: Negotiate TlRM...), a scheme and a token, or a bare token'),
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Paste a header or a token')),
  });
}

function describe(r: DecodeResult): string {
  return r.ntlm ? `NTLM type ${r.ntlm.messageType}` : r.kerberos ? `Kerberos ${r.kerberos.messageType}` : r.mechanism;
}

async function showMarkdown(uri: vscode.Uri, log: vscode.LogOutputChannel): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch (err) {
    log.warn(`decode: markdown preview unavailable (${err instanceof Error ? err.message : String(err)}); showing the markdown source`);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}

async function certificateFromHost(target: string, log: vscode.LogOutputChannel): Promise<{ der: Uint8Array; name: string } | undefined> {
  const hp = parseHostPort(target);
  if (!hp) return undefined;
  log.info(`checkChannelBindings: fetching the leaf certificate of ${hp.host}:${hp.port}`);
  const der = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Connecting to {0}...', `${hp.host}:${hp.port}`) },
    () => fetchServerCertificate(hp.host, hp.port, 10000),
  );
  return { der, name: `${hp.host}:${hp.port}` };
}

/** Certificate DER from a file picker or host:port; undefined when the user cancels. */
async function pickCertificate(log: vscode.LogOutputChannel, given: unknown, testMode: boolean): Promise<{ der: Uint8Array; name: string } | undefined> {
  const preset = typeof given === 'string' && given.trim() ? given.trim() : undefined;
  // The extension's tests pass a file path or host:port as the second argument. For anyone else (a
  // link, another extension) it only pre-fills the normal flow: the user confirms which file is
  // read or which host is contacted.
  if (preset && testMode) {
    if (parseHostPort(preset)) return certificateFromHost(preset, log);
    const uri = vscode.Uri.file(preset);
    return { der: await vscode.workspace.fs.readFile(uri), name: preset };
  }
  if (preset && parseHostPort(preset)) return askHost(log, preset);
  if (preset) return askFile(vscode.Uri.file(preset));
  const file = vscode.l10n.t('Certificate file (PEM or DER)...');
  const host = vscode.l10n.t('TLS host (host:port)...');
  const choice = await vscode.window.showQuickPick([file, host], { title: vscode.l10n.t('Compare the channel bindings with') });
  if (!choice) return undefined;
  return choice === file ? askFile() : askHost(log);
}

async function askFile(defaultUri?: vscode.Uri): Promise<{ der: Uint8Array; name: string } | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: vscode.l10n.t('Use Certificate'),
    filters: { [vscode.l10n.t('Certificates')]: ['pem', 'crt', 'cer', 'der'], [vscode.l10n.t('All files')]: ['*'] },
    ...(defaultUri ? { defaultUri } : {}),
  });
  if (!picked?.[0]) return undefined;
  return { der: await vscode.workspace.fs.readFile(picked[0]), name: picked[0].fsPath };
}

async function askHost(log: vscode.LogOutputChannel, value?: string): Promise<{ der: Uint8Array; name: string } | undefined> {
  const target = await vscode.window.showInputBox({
    title: vscode.l10n.t('TLS host whose certificate to use'),
    prompt: vscode.l10n.t('host:port, e.g. mail.contoso.com:443 (only the TLS handshake happens; nothing is sent)'),
    ignoreFocusOut: true,
    ...(value ? { value } : {}),
    validateInput: (v) => (parseHostPort(v) ? undefined : vscode.l10n.t('Enter host:port')),
  });
  return target ? certificateFromHost(target, log) : undefined;
}

export const decodeCommands: ClientFeature<'decode/decodeCommands'> = {
  activate(ctx) {
    const docs = new DecodeDocuments();
    const log = ctx.log;

    const decode = async (arg?: unknown): Promise<DecodeResult | undefined> => {
      const text = await tokenText(arg, vscode.l10n.t('Decode Authorization Header'));
      if (!text) return undefined;
      const r = decodeToken(text);
      if (r.error) {
        log.info(`decode: could not decode (${r.errorKind})`);
        void vscode.window.showErrorMessage(vscode.l10n.t('The token could not be decoded: {0}', r.error));
        return r;
      }
      const uri = docs.add(decodeDocument(r, text.trim()));
      lastDecode = { uri, result: r };
      log.info(`decode: ${describe(r)}`);
      await showMarkdown(uri, log);
      return r;
    };

    // Returns the comparison (scripts and tests pass the token and a certificate file or host:port).
    const check = async (arg?: unknown, certArg?: unknown): Promise<ChannelBindingsComparison | undefined> => {
      const text = await tokenText(arg, vscode.l10n.t('Check Channel Bindings Against Certificate'));
      if (!text) return undefined;
      const r = decodeToken(text);
      if (r.error) {
        void vscode.window.showErrorMessage(vscode.l10n.t('The token could not be decoded: {0}', r.error));
        return undefined;
      }
      if (r.ntlm?.messageType !== 3) {
        void vscode.window.showWarningMessage(
          r.kerberos
            ? vscode.l10n.t('Kerberos carries channel bindings inside the encrypted authenticator: they cannot be read from the token.')
            : vscode.l10n.t('Only an NTLM AUTHENTICATE message (the third leg) carries channel bindings; this token is {0}.', describe(r)),
        );
        return undefined;
      }
      let cert: { der: Uint8Array; name: string } | undefined;
      try {
        cert = await pickCertificate(log, certArg, ctx.testMode);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        log.warn(`checkChannelBindings: ${msg}`);
        void vscode.window.showErrorMessage(msg);
        return undefined;
      }
      if (!cert) return undefined;
      let cmp: ChannelBindingsComparison;
      try {
        cmp = compareChannelBindings(r.ntlm.channelBindings, tlsServerEndPoint(cert.der, cert.name));
      } catch (err) {
        const msg = err instanceof CertificateError ? err.message : `${cert.name}: ${err instanceof Error ? err.message : String(err)}`;
        void vscode.window.showErrorMessage(msg);
        return undefined;
      }
      lastCbtCheck = cmp;
      log.info(`checkChannelBindings: ${cmp.state} against ${cmp.certificate}`);
      const head = {
        match: vscode.l10n.t('Channel bindings MATCH.'),
        mismatch: vscode.l10n.t('Channel bindings MISMATCH.'),
        zero: vscode.l10n.t('Channel bindings ZERO (compared with {0}).', cmp.certificate),
        absent: vscode.l10n.t('Channel bindings ABSENT (compared with {0}).', cmp.certificate),
      }[cmp.state];
      const details = vscode.l10n.t('Show Details');
      const show = cmp.state === 'match' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
      // Not awaited: the command answers at once; the details open when the user asks for them.
      void show(`${head} ${cmp.explanation}`, details).then(async (pick) => {
        if (pick !== details) return;
        const uri = docs.add(decodeDocument(r, text.trim(), cmp));
        lastDecode = { uri, result: r };
        await showMarkdown(uri, log);
      });
      return cmp;
    };

    const reveal = async (arg?: unknown): Promise<void> => {
      const text = await tokenText(arg, vscode.l10n.t('Reveal Basic Authentication Password'));
      if (!text) return;
      const r = decodeToken(text);
      const password = r.basic ? revealBasicPassword(text) : null;
      if (!r.basic || password === null) {
        void vscode.window.showInformationMessage(vscode.l10n.t('This is not a Basic credential with a password.'));
        return;
      }
      const yes = vscode.l10n.t('Reveal');
      const ok = await vscode.window.showWarningMessage(
        vscode.l10n.t('Reveal the password of {0}?', r.basic.user),
        { modal: true, detail: vscode.l10n.t('It is shown once in a dialog and not written to any log or file.') },
        yes,
      );
      if (ok !== yes) return;
      log.info('revealBasicPassword: shown on request (not logged)');
      await vscode.window.showInformationMessage(vscode.l10n.t('Password of {0}', r.basic.user), { modal: true, detail: password });
    };

    return {
      disposables: [vscode.workspace.registerTextDocumentContentProvider(SCHEME, docs)],
      commands: {
        'iisAuthLens.decodeAuthorizationHeader': decode,
        'iisAuthLens.checkChannelBindings': check,
        'iisAuthLens.revealBasicPassword': reveal,
      },
    };
  },
};
