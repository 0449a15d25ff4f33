// The "Log Analysis" view: per analyzed file its requests, status and win32 counts and the
// findings grouped by code; a click opens the file at the line. Also owns the diagnostics of
// files that were analyzed from disk (VS Code does not hand files over 50 MB to the server).
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClientFeature, ClientContext } from '../context';
import { factsOfFinding, findingRank, renderFindingMessage, severityOf, type Finding, type FindingCode, type Severity } from '../../core/findings';
import type { AnalyzeFileResult, W3cBlockInfo } from '../../protocol/requests';
import { describeWin32 } from '../../core/win32Status';
import { statusLabel } from '../../core/httpStatus';
import { describeHttpErrReason } from '../../core/w3c/httpErrReasons';
import { showLogExcerpt } from './logExcerptView';

/** "1 request" / "12,345 requests" (singular and plural are separate strings, German too); zero counts are left out by the callers. */
function requestsText(n: number): string {
  return n === 1 ? vscode.l10n.t('1 request') : vscode.l10n.t('{0} requests', fmt(n));
}

function findingsText(n: number): string {
  return n === 1 ? vscode.l10n.t('1 finding') : vscode.l10n.t('{0} findings', fmt(n));
}
import { findingsByBlock } from '../../core/files/logExcerpt';
import { FREB_XML_MODE_NAME } from '../../core/files/fileKind';

export const REVEAL_LINE_COMMAND = 'iisAuthLens.logSummary.revealLine';
/** Test hook: the analyzed files as JSON-able objects. */
export const RESULTS_COMMAND = 'iisAuthLens.logSummary.results';
/** Test hook: true once the view has shown the current results (for tests and screenshots). */
export const RENDERED_COMMAND = 'iisAuthLens.logSummary.rendered';
/** Test hook: forgets analyzed files (all, or the given URIs) and their diagnostics. */
export const CLEAR_COMMAND = 'iisAuthLens.logSummary.clear';
/** "Clear Findings of Analyzed Files": forgets every analyzed file and its diagnostics. */
export const CLEAR_FINDINGS_COMMAND = 'iisAuthLens.clearAnalyzedFindings';
/** Children of one group shown in the tree; the rest are summarised in one item. */
const MAX_CHILDREN = 200;
/** VS Code does not hand documents above this size to extensions. */
const SYNC_LIMIT = 50 * 1024 * 1024;

export interface AnalyzedFile {
  uri: vscode.Uri;
  result: AnalyzeFileResult;
  /** `size:mtime` of the file when its result was stored (undefined when it could not be read). */
  stamp?: string;
  /** Its size then, in bytes (0 when it could not be read). */
  size: number;
}

/** `size:mtime` of a file on disk, or undefined: what tells an analysis kept for it is still current. */
export function fileStamp(st: { size: number; mtimeMs: number }): string {
  return `${st.size}:${st.mtimeMs}`;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/**
 * A finding's message in the UI's language: for a W3C log the findings table's wording rendered
 * here at the edge from the finding's facts; a FREB trace's finding keeps the analysis' message
 * (it quotes the failing module and event, which only the trace has).
 */
export function localFindingMessage(f: Finding, kind: string = 'w3c'): string {
  if (kind !== 'w3c') return f.message;
  return renderFindingMessage(
    factsOfFinding(f, (w) => describeWin32(w)?.name),
    vscode.l10n.t,
  );
}

/** Whether a file on disk of this size opens as a read-only excerpt (revealLine) instead of in the editor: over 50 MB (never handed to extensions) or gzip. */
export function opensAsExcerpt(uri: vscode.Uri, size: number): boolean {
  return uri.scheme === 'file' && (uri.fsPath.toLowerCase().endsWith('.gz') || size >= SYNC_LIMIT);
}

/**
 * The link of a finding's code in Problems for a file that opens as an excerpt: a click on the row
 * opens the file itself (VS Code's large-file path), a click on the code runs revealLine, which shows
 * the excerpt at the finding's line (the markers view opens code targets with commands allowed).
 */
export function revealLineTarget(uri: vscode.Uri, line: number): vscode.Uri {
  return vscode.Uri.parse(`command:${REVEAL_LINE_COMMAND}?${encodeURIComponent(JSON.stringify([uri.toString(), line]))}`);
}

/** Findings → diagnostics for a document the server never sees; viaExcerpt links the code to the excerpt at the line. */
export function findingToDiagnostic(f: Finding, uri: vscode.Uri, kind: string = 'w3c', viaExcerpt = false): vscode.Diagnostic {
  const line = Math.max(0, f.line - 1);
  const range = new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER);
  const d = new vscode.Diagnostic(range, localFindingMessage(f, kind), SEVERITY[severityOf(f.code)]);
  d.code = viaExcerpt ? { value: f.code, target: revealLineTarget(uri, f.line) } : f.code;
  d.source = 'IIS Auth Lens';
  if (f.relatedLines?.length) {
    d.relatedInformation = f.relatedLines
      .filter((l) => l !== f.line)
      .map(
        (l) =>
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(uri, new vscode.Range(l - 1, 0, l - 1, Number.MAX_SAFE_INTEGER)),
            vscode.l10n.t('Handshake leg on line {0}', l),
          ),
      );
  }
  return d;
}

/** The results of every file analyzed from disk, shared by the large-file and folder commands. */
export class LogSummaryStore implements vscode.Disposable {
  private readonly files = new Map<string, AnalyzedFile>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('iisAuthLens.logFiles');
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    // While a log is open as an IIS W3C document the language server publishes its diagnostics;
    // ours come back when it is closed (or its language changes, which VS Code reports as close + open).
    const sync = (d: vscode.TextDocument): void => {
      if (this.files.has(d.uri.toString())) this.publish(d.uri);
    };
    this.subscriptions = [vscode.workspace.onDidOpenTextDocument(sync), vscode.workspace.onDidCloseTextDocument(sync)];
  }

  /** Whether the language server publishes this file's diagnostics (an open W3C log or FREB trace, also a FREB trace left in XML mode). */
  private servedByServer(uri: vscode.Uri): boolean {
    return vscode.workspace.textDocuments.some(
      (d) =>
        d.uri.toString() === uri.toString() &&
        !d.isClosed &&
        (d.languageId === 'iis-w3c-log' || d.languageId === 'freb' || (d.languageId === 'xml' && FREB_XML_MODE_NAME.test(path.basename(d.uri.path)))),
    );
  }

  private publish(uri: vscode.Uri): void {
    const f = this.files.get(uri.toString());
    const findings = f && 'findings' in f.result && Array.isArray(f.result.findings) ? f.result.findings : [];
    if (this.servedByServer(uri) || !findings.length) {
      this.diagnostics.set(uri, []);
      return;
    }
    const viaExcerpt = opensAsExcerpt(uri, f!.size);
    this.diagnostics.set(
      uri,
      findings.map((x) => findingToDiagnostic(x, uri, f!.result.kind, viaExcerpt)),
    );
  }

  set(uri: vscode.Uri, result: AnalyzeFileResult): void {
    let stamp: string | undefined;
    let size = 0;
    try {
      const st = fs.statSync(uri.fsPath);
      stamp = fileStamp(st);
      size = st.size;
    } catch {
      /* gone or unreadable: the result is kept, never taken as current, and its findings have no excerpt link */
    }
    this.files.set(uri.toString(), { uri, result, stamp, size });
    this.publish(uri);
    this.changed.fire();
  }

  get(uri: vscode.Uri): AnalyzedFile | undefined {
    return this.files.get(uri.toString());
  }

  all(): AnalyzedFile[] {
    return [...this.files.values()].sort((a, b) => a.uri.fsPath.localeCompare(b.uri.fsPath));
  }

  delete(uri: vscode.Uri): void {
    if (!this.files.delete(uri.toString())) return;
    this.diagnostics.delete(uri);
    this.changed.fire();
  }

  clear(): void {
    this.files.clear();
    this.diagnostics.clear();
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.diagnostics.dispose();
    this.changed.dispose();
  }
}

export const logSummary = new LogSummaryStore();

/** A #Fields block of a file analyzed from disk: "Block 2 · lines 1,234–5,678". */
export function blockLabel(b: W3cBlockInfo): string {
  return vscode.l10n.t('Block {0} · lines {1}–{2}', b.index, fmt(b.headerLine || 1), fmt(b.endLine));
}

/** Its counts: requests, then findings and BAD_BINDINGS when there are any. */
export function blockDescription(b: W3cBlockInfo): string {
  return [requestsText(b.requests), b.findings ? findingsText(b.findings) : undefined, b.badBindings ? `${fmt(b.badBindings)} BAD_BINDINGS` : undefined]
    .filter(Boolean)
    .join(' · ');
}

type Node =
  | { kind: 'file'; file: AnalyzedFile }
  | { kind: 'info'; label: string; description?: string; icon?: string; tooltip?: string }
  | { kind: 'group'; file: AnalyzedFile; group: 'status' | 'win32' | 'reason' }
  | { kind: 'codes'; file: AnalyzedFile }
  | { kind: 'blocks'; file: AnalyzedFile }
  | { kind: 'block'; file: AnalyzedFile; block: W3cBlockInfo; findings: Finding[] }
  | { kind: 'code'; file: AnalyzedFile; code: FindingCode; findings: Finding[]; total: number }
  | { kind: 'finding'; file: AnalyzedFile; finding: Finding; withCode?: boolean }
  | { kind: 'more'; label: string };

function fileFindings(r: AnalyzeFileResult): Finding[] {
  return 'findings' in r && Array.isArray(r.findings) ? r.findings : [];
}

class LogSummaryProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Whether the view asked for the files since the store last changed (tests wait for it). */
  rendered = true;

  constructor(private readonly store: LogSummaryStore) {
    store.onDidChange(() => {
      this.rendered = false;
      this.changed.fire(undefined);
    });
  }

  getTreeItem(n: Node): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (n.kind) {
      case 'file': {
        const r = n.file.result;
        // a few files open expanded; a folder of many logs starts collapsed
        const item = new vscode.TreeItem(path.basename(n.file.uri.fsPath), this.store.all().length <= 3 ? C.Expanded : C.Collapsed);
        item.resourceUri = n.file.uri;
        item.tooltip = n.file.uri.fsPath;
        item.contextValue = 'iisAuthLens.logFile';
        if (r.error) {
          item.description = r.error;
          item.iconPath = new vscode.ThemeIcon('error');
          item.collapsibleState = C.None;
        } else if (r.kind === 'w3c') {
          const bad = r.summary.findings.BAD_BINDINGS ?? 0;
          item.description = [requestsText(r.requests), bad ? `${fmt(bad)} BAD_BINDINGS` : undefined].filter(Boolean).join(' · ');
          item.iconPath = new vscode.ThemeIcon(bad > 0 ? 'error' : (r.findingsTotal ?? 0) > 0 ? 'warning' : 'pass');
        } else if (r.kind === 'freb') {
          // a FREB trace found by Analyze Folder: its request and how it ended, as the CLI prints it
          const w = r.win32Status !== null ? describeWin32(r.win32Status) : undefined;
          const st = r.statusCode !== null ? `${r.statusCode}${r.subStatusCode !== null ? `.${r.subStatusCode}` : ''}` : '-';
          item.description = `FREB · ${r.verb ?? '-'} ${(r.url ?? '-').replace(/^[a-z]+:\/\/[^/]+/i, '')} -> ${st}${w ? ` ${w.name}` : ''}`;
          item.iconPath = new vscode.ThemeIcon(
            (r.findings ?? []).some((f) => f.code === 'BAD_BINDINGS') ? 'error' : (r.findings ?? []).length ? 'warning' : 'pass',
          );
          // nothing to expand (getChildren lists W3C logs only): a click opens the trace's report
          item.collapsibleState = C.None;
          item.command = { command: 'iisAuthLens.openFrebReport', title: vscode.l10n.t('Open FREB Report'), arguments: [n.file.uri] };
        } else {
          item.description = r.kind;
          item.collapsibleState = C.None;
        }
        return item;
      }
      case 'info': {
        const item = new vscode.TreeItem(n.label, C.None);
        item.description = n.description;
        if (n.icon) item.iconPath = new vscode.ThemeIcon(n.icon);
        item.tooltip = n.tooltip;
        return item;
      }
      case 'group': {
        const label =
          n.group === 'status'
            ? vscode.l10n.t('HTTP status')
            : n.group === 'win32'
              ? vscode.l10n.t('Win32 status')
              : vscode.l10n.t('HTTP.sys reason (s-reason)');
        const item = new vscode.TreeItem(label, C.Collapsed);
        item.iconPath = new vscode.ThemeIcon(n.group === 'status' ? 'symbol-number' : n.group === 'win32' ? 'symbol-enum' : 'symbol-event');
        return item;
      }
      case 'codes': {
        const r = n.file.result;
        const total = r.findingsTotal ?? fileFindings(r).length;
        const item = new vscode.TreeItem(vscode.l10n.t('Findings'), total ? C.Expanded : C.None);
        item.description = fmt(total);
        item.iconPath = new vscode.ThemeIcon('list-unordered');
        return item;
      }
      case 'code': {
        const item = new vscode.TreeItem(n.code, C.Collapsed);
        item.description = fmt(n.total);
        // the findings table's severity, as in Problems
        item.iconPath = new vscode.ThemeIcon(severityOf(n.code));
        return item;
      }
      case 'blocks': {
        const item = new vscode.TreeItem(vscode.l10n.t('Findings by #Fields block'), C.Collapsed);
        item.iconPath = new vscode.ThemeIcon('symbol-structure');
        item.tooltip = vscode.l10n.t('The findings of each header block, errors first; a click opens a read-only excerpt at the line.');
        return item;
      }
      case 'block': {
        const b = n.block;
        const item = new vscode.TreeItem(blockLabel(b), n.findings.length ? C.Collapsed : C.None);
        item.description = blockDescription(b);
        item.iconPath = new vscode.ThemeIcon(b.badBindings > 0 ? 'error' : b.findings > 0 ? 'warning' : 'pass');
        item.tooltip = b.fields.join(' ');
        return item;
      }
      case 'finding': {
        const f = n.finding;
        const item = new vscode.TreeItem(n.withCode ? `${vscode.l10n.t('Line {0}', fmt(f.line))}  ${f.code}` : vscode.l10n.t('Line {0}', fmt(f.line)), C.None);
        if (n.withCode) item.iconPath = new vscode.ThemeIcon(severityOf(f.code));
        const message = localFindingMessage(f, n.file.result.kind);
        item.description = [f.clientIp, f.uri, f.status, f.user].filter(Boolean).join(' · ') || message;
        item.tooltip = message;
        item.command = { command: REVEAL_LINE_COMMAND, title: vscode.l10n.t('Open at line'), arguments: [n.file.uri.toString(), f.line] };
        return item;
      }
      case 'more':
        return new vscode.TreeItem(n.label, C.None);
    }
  }

  getChildren(n?: Node): Node[] {
    if (!n) {
      this.rendered = true;
      return this.store.all().map((file) => ({ kind: 'file', file }));
    }
    switch (n.kind) {
      case 'file': {
        const r = n.file.result;
        if (r.error || r.kind !== 'w3c') return [];
        const out: Node[] = [
          { kind: 'info', label: vscode.l10n.t('Requests'), description: fmt(r.requests), icon: 'globe' },
          { kind: 'info', label: vscode.l10n.t('Lines'), description: fmt(r.lines), icon: 'list-flat', tooltip: vscode.l10n.t('{0} bytes', fmt(r.bytes)) },
        ];
        if (r.blocks && r.blocks.length > 1) {
          out.push({ kind: 'info', label: vscode.l10n.t('#Fields blocks'), description: fmt(r.blocks.length), icon: 'symbol-structure' });
        }
        out.push({ kind: 'group', file: n.file, group: 'status' }, { kind: 'group', file: n.file, group: 'win32' });
        // HTTPERR logs: what HTTP.sys says happened, including the connection-level entries without a status
        if (r.summary.reason) out.push({ kind: 'group', file: n.file, group: 'reason' });
        out.push({ kind: 'codes', file: n.file });
        // the Outline of a file the editor cannot hold: its findings per #Fields block
        if (r.blocks?.length && fileFindings(r).length) out.push({ kind: 'blocks', file: n.file });
        return out;
      }
      case 'group': {
        const r = n.file.result;
        if (r.kind !== 'w3c') return [];
        const counts = n.group === 'status' ? r.summary.status : n.group === 'win32' ? r.summary.win32 : (r.summary.reason ?? {});
        return Object.entries(counts)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]): Node => {
            if (n.group === 'status') {
              const s = Number(k);
              if (k === '-') return { kind: 'info', label: vscode.l10n.t('- (no status: connection-level HTTP.sys entries)'), description: fmt(v) };
              return { kind: 'info', label: Number.isFinite(s) ? statusLabel(s) : k, description: fmt(v) };
            }
            if (n.group === 'reason') return { kind: 'info', label: k, description: fmt(v), tooltip: describeHttpErrReason(k) };
            const w = describeWin32(k);
            return { kind: 'info', label: w ? `${k} ${w.hex} ${w.name}` : k, description: fmt(v), tooltip: w?.text };
          });
      }
      case 'codes': {
        const r = n.file.result;
        if (r.kind !== 'w3c') return [];
        const by = new Map<FindingCode, Finding[]>();
        for (const f of fileFindings(r)) {
          const list = by.get(f.code) ?? [];
          list.push(f);
          by.set(f.code, list);
        }
        const codes = Object.entries(r.summary.findings) as Array<[FindingCode, number]>;
        // BAD_BINDINGS and the other errors first (the findings table's order), not the biggest count
        return codes
          .filter(([, c]) => c > 0)
          .sort((a, b) => findingRank(a[0]) - findingRank(b[0]))
          .map(([code, total]): Node => ({ kind: 'code', file: n.file, code, findings: by.get(code) ?? [], total }));
      }
      case 'blocks': {
        const r = n.file.result;
        if (r.kind !== 'w3c' || !r.blocks) return [];
        return findingsByBlock(r.blocks, fileFindings(r)).map(({ block, findings }): Node => ({ kind: 'block', file: n.file, block, findings }));
      }
      case 'block': {
        const shown = n.findings.slice(0, MAX_CHILDREN);
        const out: Node[] = shown.map((finding) => ({ kind: 'finding', file: n.file, finding, withCode: true }));
        if (n.findings.length > shown.length)
          out.push({ kind: 'more', label: vscode.l10n.t('… {0} more (see Problems)', fmt(n.findings.length - shown.length)) });
        return out;
      }
      case 'code': {
        const shown = n.findings.slice(0, MAX_CHILDREN);
        const out: Node[] = shown.map((finding) => ({ kind: 'finding', file: n.file, finding }));
        if (n.total > shown.length) {
          out.push({ kind: 'more', label: vscode.l10n.t('… {0} more (see Problems)', fmt(n.total - shown.length)) });
        }
        return out;
      }
      default:
        return [];
    }
  }
}

/**
 * Opens uri at a 1-based line. Files that extensions never see (over 50 MB) or the editor cannot
 * show (gzip) open as a read-only excerpt around the line instead (logExcerptView.ts).
 */
export async function revealLine(uri: vscode.Uri, line: number, log?: vscode.LogOutputChannel): Promise<void> {
  const range = new vscode.Range(Math.max(0, line - 1), 0, Math.max(0, line - 1), 0);
  let size = 0;
  try {
    size = (await fs.promises.stat(uri.fsPath)).size;
  } catch {
    /* not on disk (untitled): the editor knows it */
  }
  const synced = vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
  if (synced || !opensAsExcerpt(uri, size)) {
    try {
      await vscode.commands.executeCommand('vscode.open', uri, { selection: range, preview: true } satisfies vscode.TextDocumentShowOptions);
      return;
    } catch (err) {
      log?.warn(`Could not open ${uri.fsPath} at line ${line}: ${err instanceof Error ? err.message : String(err)}`);
      if (uri.scheme !== 'file') return;
    }
  }
  try {
    // a read-only excerpt (the #Fields header in force and the lines around, real line numbers)
    await showLogExcerpt(uri.fsPath, line);
  } catch (err) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Could not read line {0} of {1}: {2}', line, uri.fsPath, err instanceof Error ? err.message : String(err)),
    );
  }
}

export const logSummaryView: ClientFeature<'logs/logSummaryView'> = {
  activate(ctx: ClientContext) {
    const provider = new LogSummaryProvider(logSummary);
    const view = vscode.window.createTreeView('iisAuthLens.logSummary', { treeDataProvider: provider, showCollapseAll: true });
    const updateMessage = (): void => {
      const all = logSummary.all();
      view.message = all.length ? vscode.l10n.t('{0} files analyzed', all.length) : undefined;
    };
    return {
      disposables: [logSummary, view, logSummary.onDidChange(updateMessage)],
      commands: {
        [REVEAL_LINE_COMMAND]: (uri: string, line: number) => revealLine(vscode.Uri.parse(uri), line, ctx.log),
        // the palette's and the view's title bar action: the Problems panel loses every finding of analyzed files
        [CLEAR_FINDINGS_COMMAND]: () => logSummary.clear(),
        // the inline action on a file of the view: that file's entry and its findings in Problems
        'iisAuthLens.clearAnalyzedFile': (node?: Node | vscode.Uri | string) => {
          const uri = typeof node === 'string' ? vscode.Uri.parse(node) : node instanceof vscode.Uri ? node : node?.kind === 'file' ? node.file.uri : undefined;
          if (uri) logSummary.delete(uri);
        },
        // test hooks: the analyzed files' results, whether the view drew them, and clearing some or all
        [RESULTS_COMMAND]: () =>
          logSummary.all().map((f) => {
            // how the view shows the file: whether it expands, and what a click on it runs
            const item = provider.getTreeItem({ kind: 'file', file: f });
            const view = { expands: item.collapsibleState !== vscode.TreeItemCollapsibleState.None, command: item.command?.command };
            return { uri: f.uri.toString(), ...f.result, view };
          }),
        [RENDERED_COMMAND]: () => view.visible && provider.rendered,
        // test hook: the "Findings by #Fields block" branch of a file as the view shows it
        'iisAuthLens.logSummary.blockItems': (uri: string) => {
          const file = logSummary.get(vscode.Uri.parse(uri));
          if (!file) return undefined;
          const blocks = provider.getChildren({ kind: 'file', file }).find((n) => n.kind === 'blocks');
          if (!blocks) return [];
          const text = (l: vscode.TreeItem['label']): string => (typeof l === 'string' ? l : (l?.label ?? ''));
          return provider.getChildren(blocks).map((b) => ({
            label: text(provider.getTreeItem(b).label),
            description: provider.getTreeItem(b).description,
            findings: provider.getChildren(b).map((f) => ({ label: text(provider.getTreeItem(f).label), command: provider.getTreeItem(f).command?.arguments })),
          }));
        },
        [CLEAR_COMMAND]: (...uris: Array<string | vscode.Uri>) => {
          if (!uris.length) logSummary.clear();
          for (const u of uris) logSummary.delete(typeof u === 'string' ? vscode.Uri.parse(u) : u);
        },
      },
    };
  },
};
