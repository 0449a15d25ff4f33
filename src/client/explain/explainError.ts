// `iisAuthLens.explainError`: the selection (or the whole document, or the entry a CodeLens / hover
// points at) explained in a markdown preview - what the text means, why, and what to do.
// `iisAuthLens.copyRemediation` (internal, from hover links): copies a remediation command.
import * as vscode from 'vscode';
import type { ClientFeature } from '../context';
import { explainText, type ExplainMatch } from '../../core/explain/explainText';
import { mdCode, mdFence, mdText } from '../../core/markdown';

/** An HCW log by its first line (the file names HCW uses, YYYYMMDD_hhmmss.log, open as `log`). */
export const HCW_FIRST_LINE = /^\uFEFF?\d{4}\.\d{2}\.\d{2} \d{2}:\d{2}:\d{2}\.\d{1,7} +\d+ \[Client=/;

const SCHEME = 'iis-auth-lens-explain';

/** Where the explanation comes from: a CodeLens / hover passes the document and lines. */
export interface ExplainErrorArgs {
  uri?: string;
  line?: number;
  endLine?: number;
}

const NEXT: Record<string, () => string> = {
  probe: () =>
    vscode.l10n.t('Probe the endpoint (command "IIS Auth Lens: Probe MRS Endpoint" or `iis-auth-lens probe URL --user DOMAIN\\USER --password-stdin`).'),
  'find-iis-lines': () =>
    vscode.l10n.t('Find the matching IIS log lines of /EWS/mrsproxy.svc around the time of the error (command "IIS Auth Lens: Find Matching IIS Log Lines").'),
  'show-extended-protection': () => vscode.l10n.t('Show the Extended Protection settings on the Exchange server.'),
  'check-epconfig': () =>
    vscode.l10n.t(
      'Or open a copy of the servers\' applicationHost.config (C:\\Windows\\System32\\inetsrv\\config): Extended Protection per virtual directory shows as CodeLens, and "IIS Auth Lens: Show Extended Protection for Configs in Folder..." compares the servers; Default Web Site/EWS at Allow or Require is what fails behind a TLS-terminating device.',
    ),
  'compare-certificates': () => vscode.l10n.t('Compare the certificate the proxy presents with the one bound on Exchange (`iis-auth-lens cbt HOST:443`).'),
  'check-credentials': () => vscode.l10n.t('Check the account and password of the migration endpoint.'),
};

export function explanationMarkdown(source: string, lineOffset: number, matches: ExplainMatch[]): string {
  const out: string[] = [`# ${vscode.l10n.t('Explanation of {0}', mdText(source))}`, ''];
  if (matches.length === 0) {
    out.push(
      vscode.l10n.t(
        'No known error text found. IIS Auth Lens recognises MRS and migration-batch errors, HCW log entries, Test-MigrationServerAvailability output, the WCF 401 text (English, German, French) and SSPI codes such as 2148074310, 0x80090346, 0xC000035B or SEC_E_BAD_BINDINGS.',
      ),
    );
    return out.join('\n');
  }
  for (const m of matches) {
    out.push(`## ${vscode.l10n.t('Line {0}', m.line + lineOffset)}: ${mdText(m.title)} ${mdCode(m.code)}`, '');
    out.push('> ' + mdText(m.text), '');
    const facts: string[] = [];
    if (m.time) facts.push(`**${vscode.l10n.t('Time')}:** ${mdText(m.time)}`);
    if (m.url) facts.push(`**${vscode.l10n.t('Endpoint')}:** ${mdCode(m.url)}${m.hybridAgent ? ' (Hybrid Agent / Azure App Proxy)' : ''}`);
    if (m.header) facts.push(`**${vscode.l10n.t('Server offered')}:** ${mdCode(m.header)}`);
    if (m.internalUrl) facts.push(`**${vscode.l10n.t('Exchange Online internal call')}:** ${mdCode(m.internalUrl)}`);
    if (facts.length) out.push(facts.join('  \n'), '');
    out.push(m.explanation, '');
    if (m.next.length) {
      out.push(`### ${vscode.l10n.t('Next steps')}`, '');
      for (const n of m.next) out.push(`- ${NEXT[n]?.() ?? n}`);
      out.push('');
    }
    if (m.remediation.length) {
      out.push(`### ${vscode.l10n.t('Remediation')}`, '');
      for (const r of m.remediation) {
        out.push(`- ${mdText(r.label)}`);
        if (r.command) out.push('', mdFence(r.command, 'powershell').replace(/^/gm, '  '));
      }
      out.push('');
    }
  }
  return out.join('\n');
}

class ExplanationDocuments implements vscode.TextDocumentContentProvider {
  private readonly docs = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private seq = 0;

  add(markdown: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/explanation-${++this.seq}.md` });
    this.docs.set(uri.toString(), markdown);
    if (this.docs.size > 20) this.docs.delete(this.docs.keys().next().value!);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.docs.get(uri.toString()) ?? '';
  }
}

/** The last explanation shown (for tests and the e2e suite). */
export let lastExplanation: { uri: vscode.Uri; matches: ExplainMatch[] } | undefined;

export const explainError: ClientFeature<'explain/explainError'> = {
  activate(ctx) {
    const docs = new ExplanationDocuments();
    const explain = async (args?: ExplainErrorArgs): Promise<void> => {
      let doc: vscode.TextDocument | undefined;
      let range: vscode.Range | undefined;
      if (args?.uri) {
        doc =
          vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri) ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)));
        if (args.line) {
          const from = Math.max(0, args.line - 1);
          const to = Math.min(doc.lineCount - 1, Math.max(from, (args.endLine ?? args.line) - 1));
          range = new vscode.Range(from, 0, to, doc.lineAt(to).text.length);
        }
      } else {
        const editor = vscode.window.activeTextEditor;
        if (!editor) {
          void vscode.window.showInformationMessage(vscode.l10n.t('Open or paste the error text in an editor first (or select it).'));
          return;
        }
        doc = editor.document;
        if (!editor.selection.isEmpty)
          range = new vscode.Range(editor.selection.start.line, 0, editor.selection.end.line, doc.lineAt(editor.selection.end.line).text.length);
      }
      const text = doc.getText(range);
      const lineOffset = range ? range.start.line : 0;
      const matches = explainText(text);
      const name = doc.isUntitled ? doc.uri.path : vscode.workspace.asRelativePath(doc.uri);
      const where = !range
        ? name
        : range.start.line === range.end.line
          ? vscode.l10n.t('{0}, line {1}', name, range.start.line + 1)
          : vscode.l10n.t('{0}, lines {1}-{2}', name, range.start.line + 1, range.end.line + 1);
      const md = explanationMarkdown(where, lineOffset, matches);
      const uri = docs.add(md);
      lastExplanation = { uri, matches };
      ctx.log.info(`explainError: ${name}: ${matches.length} recognised text(s): ${matches.map((m) => m.code).join(', ')}`);
      const shown = await vscode.workspace.openTextDocument(uri);
      try {
        await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
      } catch (err) {
        ctx.log.warn(`explainError: markdown preview unavailable (${err instanceof Error ? err.message : String(err)}); showing the markdown source`);
        await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Beside, preview: true });
      }
    };
    // HCW logs saved under another name: switch a `log` / `plaintext` document once when its first line is an HCW entry.
    const switched = new Set<string>();
    const detectHcw = async (doc: vscode.TextDocument): Promise<void> => {
      if ((doc.languageId !== 'log' && doc.languageId !== 'plaintext') || doc.lineCount === 0 || switched.has(doc.uri.toString())) return;
      if (!HCW_FIRST_LINE.test(doc.lineAt(0).text.slice(0, 300))) return;
      switched.add(doc.uri.toString());
      try {
        await vscode.languages.setTextDocumentLanguage(doc, 'hcw-log');
        ctx.log.info(`${doc.uri.fsPath || doc.uri.toString()}: content is an HCW log, language switched from ${doc.languageId}`);
      } catch (err) {
        ctx.log.warn(`could not switch ${doc.uri.toString()} to hcw-log: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    for (const d of vscode.workspace.textDocuments) void detectHcw(d);
    return {
      disposables: [vscode.workspace.onDidOpenTextDocument((d) => void detectHcw(d)), vscode.workspace.registerTextDocumentContentProvider(SCHEME, docs)],
      commands: {
        'iisAuthLens.explainError': explain,
        'iisAuthLens.copyRemediation': async (command: unknown) => {
          if (typeof command !== 'string' || command.length === 0 || command.length > 2000) return;
          await vscode.env.clipboard.writeText(command);
          void vscode.window.showInformationMessage(vscode.l10n.t('Copied: {0}', command.length > 80 ? command.slice(0, 77) + '...' : command));
        },
      },
    };
  },
};
