// "Find FREB traces..." and "Copy FREB matches to folder...": the article's Copy-FREBEvents script
// in the editor. The search runs in a worker thread (dist/frebSearchWorker.js) with progress and
// cancel; the matches land in the tree view iisAuthLens.frebResults, sorted by request time.
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ClientContext, ClientFeature } from '../context';
import type { FrebMatch, FrebSearchProgress, FrebSearchResult } from '../../core/freb/frebSearch';
import { copyFrebMatches } from '../../core/freb/frebSearch';
import { addFilterClause, FrebFilterError, isEmptyFilter, type FrebFilter } from '../../core/freb/frebFilter';
import { mdBold, mdCode, mdText } from '../../core/markdown';

export const FREB_RESULTS_COMMAND = 'iisAuthLens.frebResults.items';
const DEFAULT_FOLDER = 'C:\\inetpub\\logs\\FailedReqLogFiles';

type Node = { kind: 'match'; match: FrebMatch } | { kind: 'error'; path: string; error: string } | { kind: 'errors'; errors: Array<{ path: string; error: string }> };

class FrebResultsProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  result: FrebSearchResult | null = null;
  folder: string | null = null;
  filterText = '';

  set(folder: string, filterText: string, result: FrebSearchResult): void {
    this.folder = folder;
    this.filterText = filterText;
    this.result = result;
    this.changed.fire(undefined);
    void vscode.commands.executeCommand('setContext', 'iisAuthLens.frebResults', result.matches.length > 0);
  }

  getChildren(node?: Node): Node[] {
    if (!this.result) return [];
    if (!node) {
      const items: Node[] = this.result.matches.map((m) => ({ kind: 'match', match: m }));
      if (this.result.errors.length) items.push({ kind: 'errors', errors: this.result.errors });
      return items;
    }
    if (node.kind === 'errors') return node.errors.map((e) => ({ kind: 'error', path: e.path, error: e.error }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'errors') {
      const item = new vscode.TreeItem(vscode.l10n.t('{0} files could not be read', node.errors.length), vscode.TreeItemCollapsibleState.Collapsed);
      item.iconPath = new vscode.ThemeIcon('warning');
      return item;
    }
    if (node.kind === 'error') {
      const item = new vscode.TreeItem(path.basename(node.path));
      item.description = node.error.replace(node.path + ': ', '');
      item.tooltip = node.error;
      item.iconPath = new vscode.ThemeIcon('error');
      item.command = { title: vscode.l10n.t('Open'), command: 'vscode.open', arguments: [vscode.Uri.file(node.path)] };
      return item;
    }
    const m = node.match;
    const time = m.time ? m.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '?';
    const code = m.codeName ?? (m.win32Status ? `0x${m.win32Status.toString(16).toUpperCase()}` : '');
    // The code first: the sidebar is narrow, and the list is already in time order.
    const item = new vscode.TreeItem(`${m.status}${code ? ' ' + code : ''}`);
    let stem = m.url ?? '';
    try {
      stem = new URL(m.url ?? '').pathname;
    } catch {
      // keep the url as written
    }
    item.description = `${time} · ${m.verb ?? ''} ${stem} · ${path.basename(m.path)}`;
    item.tooltip = new vscode.MarkdownString(
      `${mdBold(`${m.verb ?? ''} ${m.url ?? ''}`)}\n\n${mdText(`${m.status}${code ? ' ' + code : ''} · ${m.timeTaken ?? '?'} ms · ${m.authType ?? ''}`)}` +
      `${m.findings.length ? '\n\n' + mdText(m.findings.join(', ')) : ''}\n\n${mdCode(m.path)}`);
    item.iconPath = new vscode.ThemeIcon(m.findings.length ? 'error' : m.statusCode !== null && m.statusCode >= 400 ? 'warning' : 'pass');
    item.resourceUri = vscode.Uri.file(m.path);
    item.contextValue = 'frebMatch';
    const line = Math.max(0, (m.failureLine ?? 1) - 1);
    item.command = {
      title: vscode.l10n.t('Open'), command: 'vscode.open',
      arguments: [vscode.Uri.file(m.path), { selection: new vscode.Range(line, 0, line, 0), preview: true } satisfies vscode.TextDocumentShowOptions],
    };
    return item;
  }
}

/** Runs the search in the worker; resolves with the result (cancelled or not). */
function runWorker(ctx: ClientContext, folder: string, filter: FrebFilter, progress: (p: FrebSearchProgress) => void, token: vscode.CancellationToken): Promise<FrebSearchResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(ctx.extension.extensionPath, 'dist', 'frebSearchWorker.js'));
    let settled = false;
    const done = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      sub.dispose();
      void worker.terminate();
      fn();
    };
    const sub = token.onCancellationRequested(() => worker.postMessage({ type: 'cancel' }));
    worker.on('message', (msg: { type: string; result?: FrebSearchResult; message?: string } & Partial<FrebSearchProgress>) => {
      if (msg.type === 'progress') progress(msg as FrebSearchProgress);
      else if (msg.type === 'done' && msg.result) done(() => resolve(msg.result!));
      else if (msg.type === 'error') done(() => reject(new Error(msg.message)));
    });
    worker.on('error', (err) => done(() => reject(err)));
    worker.on('exit', (code) => done(() => reject(new Error(`the search worker stopped (exit code ${code})`))));
    worker.postMessage({ type: 'search', folder, filter });
  });
}

async function pickFolder(): Promise<string | undefined> {
  const def = fs.existsSync(DEFAULT_FOLDER) ? vscode.Uri.file(DEFAULT_FOLDER) : vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: def,
    openLabel: vscode.l10n.t('Search FREB traces here'), title: vscode.l10n.t('Folder with FREB traces (FailedReqLogFiles or a W3SVCn folder)'),
  });
  return picked?.[0]?.fsPath;
}

/** One optional input per filter; Enter on an empty box skips it, Escape cancels the search. */
async function askFilter(): Promise<{ filter: FrebFilter; clauses: string[] } | undefined> {
  const steps: Array<{ key: string; prompt: string; placeholder: string; value?: string }> = [
    { key: 'url', prompt: vscode.l10n.t('URL or path, * and ? wildcards (empty: any)'), placeholder: '*/EWS/mrsproxy.svc', value: '' },
    { key: 'status', prompt: vscode.l10n.t('Status or status.substatus, comma-separated (empty: any)'), placeholder: '401.1' },
    { key: 'win32', prompt: vscode.l10n.t('Win32/SSPI error code, decimal or hex (empty: any)'), placeholder: '0x80090346' },
    { key: 'header', prompt: vscode.l10n.t('Request header, optionally with a value glob: NAME[:GLOB] (empty: any)'), placeholder: 'X-Forwarded-For:*' },
    { key: 'from', prompt: vscode.l10n.t('Requests from (ISO date/time, empty: no limit)'), placeholder: '2026-11-21T10:00:00Z' },
    { key: 'to', prompt: vscode.l10n.t('Requests until (ISO date/time, empty: no limit)'), placeholder: '2026-11-21T18:00:00Z' },
  ];
  const filter: FrebFilter = {};
  const clauses: string[] = [];
  for (let k = 0; k < steps.length; k++) {
    const s = steps[k];
    const v = await vscode.window.showInputBox({
      title: vscode.l10n.t('Find FREB traces ({0}/{1})', k + 1, steps.length),
      prompt: s.prompt, placeHolder: s.placeholder, value: s.value ?? '', ignoreFocusOut: true,
      validateInput: (text) => {
        if (!text.trim()) return null;
        try {
          addFilterClause({}, `${s.key}=${text.trim()}`);
          return null;
        } catch (err) {
          return err instanceof FrebFilterError ? err.message : String(err);
        }
      },
    });
    if (v === undefined) return undefined;
    if (v.trim()) {
      addFilterClause(filter, `${s.key}=${v.trim()}`);
      clauses.push(`${s.key}=${v.trim()}`);
    }
  }
  return { filter, clauses };
}

function toFilter(arg: unknown): { filter: FrebFilter; clauses: string[] } {
  if (Array.isArray(arg)) {
    const filter: FrebFilter = {};
    for (const c of arg) addFilterClause(filter, String(c));
    return { filter, clauses: arg.map(String) };
  }
  return { filter: (arg ?? {}) as FrebFilter, clauses: [] };
}

export const frebSearch: ClientFeature = {
  activate(ctx) {
    const provider = new FrebResultsProvider();
    const view = vscode.window.createTreeView('iisAuthLens.frebResults', { treeDataProvider: provider, showCollapseAll: false });

    // Arguments (folder, filter clauses) skip the prompts: for scripted use and the e2e tests.
    const find = async (folderArg?: unknown, filterArg?: unknown): Promise<FrebSearchResult | undefined> => {
      const folder = folderArg instanceof vscode.Uri ? folderArg.fsPath : typeof folderArg === 'string' ? folderArg : await pickFolder();
      if (!folder) return undefined;
      let f: { filter: FrebFilter; clauses: string[] } | undefined;
      try {
        // From an explorer context menu the second argument is the selection (Uri[]): prompt then.
        const scripted = Array.isArray(filterArg) ? filterArg.every((c) => typeof c === 'string')
          : !!filterArg && typeof filterArg === 'object' && !(filterArg instanceof vscode.Uri);
        f = folderArg !== undefined && scripted ? toFilter(filterArg) : await askFilter();
      } catch (err) {
        void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
        return undefined;
      }
      if (!f) return undefined;
      const filterText = f.clauses.join(' ') || vscode.l10n.t('no filter');
      ctx.log.info(`Find FREB traces in ${folder}: ${filterText}`);
      let result: FrebSearchResult;
      try {
        result = await vscode.window.withProgress({
          location: vscode.ProgressLocation.Notification, cancellable: true,
          title: vscode.l10n.t('Searching FREB traces in {0}', folder),
        }, async (progress, token) => {
          let last = 0;
          return runWorker(ctx, folder, f.filter, (p) => {
            const pct = p.total ? (p.done / p.total) * 100 : 0;
            progress.report({ increment: pct - last, message: vscode.l10n.t('{0} of {1} files, {2} matches', p.done, p.total, p.matched) });
            last = pct;
          }, token);
        });
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        ctx.log.error(`Find FREB traces: ${msg}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('FREB search failed: {0}', msg));
        return undefined;
      }
      provider.set(folder, filterText, result);
      view.message = vscode.l10n.t('{0} of {1} traces match ({2}){3}', result.matches.length, result.files, filterText, result.cancelled ? ' · ' + vscode.l10n.t('cancelled') : '');
      ctx.log.info(`Find FREB traces: ${result.matches.length}/${result.files} match, ${result.parsed} parsed fully, ${result.errors.length} unreadable, ${Math.round(result.ms)} ms${result.cancelled ? ', cancelled' : ''}`);
      for (const e of result.errors) ctx.log.warn(e.error);
      if (!isEmptyFilter(f.filter) || result.matches.length) await vscode.commands.executeCommand('iisAuthLens.frebResults.focus');
      return result;
    };

    const copy = async (destArg?: unknown): Promise<string[] | undefined> => {
      const matches = provider.result?.matches ?? [];
      if (!matches.length) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No FREB matches to copy: run "Find FREB traces..." first.'));
        return undefined;
      }
      let dest = destArg instanceof vscode.Uri ? destArg.fsPath : typeof destArg === 'string' ? destArg : undefined;
      if (!dest) {
        const base = provider.folder ? vscode.Uri.file(path.join(provider.folder, 'filter')) : undefined;
        const picked = await vscode.window.showOpenDialog({
          canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: base,
          openLabel: vscode.l10n.t('Copy {0} traces here', matches.length), title: vscode.l10n.t('Copy FREB matches to folder'),
        });
        dest = picked?.[0]?.fsPath;
      }
      if (!dest) return undefined;
      const r = await copyFrebMatches(matches.map((m) => m.path), dest);
      for (const e of r.errors) ctx.log.warn(e.error);
      const msg = vscode.l10n.t('{0} traces copied to {1}{2}', r.copied.length, r.destination, r.stylesheet ? ' ' + vscode.l10n.t('(with freb.xsl)') : '');
      ctx.log.info(msg);
      void vscode.window.showInformationMessage(msg, vscode.l10n.t('Reveal')).then((a) => {
        if (a) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(r.destination));
      });
      return r.copied;
    };

    return [
      view,
      vscode.commands.registerCommand('iisAuthLens.findFrebTraces', find),
      vscode.commands.registerCommand('iisAuthLens.copyFrebMatches', copy),
      vscode.commands.registerCommand(FREB_RESULTS_COMMAND, () => provider.getChildren().map((n) => provider.getTreeItem(n).label)),
    ];
  },
};
