// "Find FREB traces..." and "Copy FREB matches to folder...": the article's Copy-FREBEvents script
// in the editor. The search runs in a worker thread (dist/frebSearchWorker.js) with progress and
// cancel; the matches land in the tree view iisAuthLens.frebResults, worst first (BAD_BINDINGS,
// other errors, warnings, other failures, successes; newest first within each), with user, client
// (X-Forwarded-For) and the channel binding of the NTLM AUTHENTICATE. A click opens the report.
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ClientContext, ClientFeature } from '../context';
import type { FrebMatch, FrebSearchProgress, FrebSearchResult } from '../../core/freb/frebSearch';
import { copyFrebMatches, type CopyResult } from '../../core/freb/frebSearch';
import { addFilterClause, FrebFilterError, isEmptyFilter, type FrebFilter } from '../../core/freb/frebFilter';
import { mdBold, mdCode, mdText } from '../../core/markdown';
import { frebMatchesCsv, triageRank, type CbtState } from '../../core/freb/frebTriage';

export const FREB_RESULTS_COMMAND = 'iisAuthLens.frebResults.items';
const DEFAULT_FOLDER = 'C:\\inetpub\\logs\\FailedReqLogFiles';

type Node =
  { kind: 'match'; match: FrebMatch } | { kind: 'error'; path: string; error: string } | { kind: 'errors'; errors: Array<{ path: string; error: string }> };

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
    const time = shortTime(m.time);
    const code = codeText(m);
    // Status and code first, then who, from where, what the AUTHENTICATE said about channel
    // binding, and when (the sidebar is narrow: what tells a BAD_BINDINGS behind a proxy comes
    // before the time, which the tooltip has in full).
    const item = new vscode.TreeItem(`${m.status}${code ? ' ' + code : ''}`);
    const who = [m.user ?? vscode.l10n.t('no user'), clientText(m)];
    if (m.cbt) who.push(vscode.l10n.t('CBT {0}', cbtText(m.cbt)));
    who.push(m.time ? m.time.slice(5, 19).replace('T', ' ') + 'Z' : '?');
    item.description = who.join(' · ');
    const lines = [
      mdBold(`${m.verb ?? ''} ${m.url ?? ''}`),
      mdText(
        `${m.status}${code ? ' ' + code : ''}${m.win32Status ? ` (0x${m.win32Status.toString(16).toUpperCase()})` : ''} · ${m.timeTaken ?? '?'} ms · ${m.authType ?? ''}`,
      ),
      mdText(`${vscode.l10n.t('Time')}: ${time}`),
      mdText(
        `${vscode.l10n.t('User')}: ${m.user ?? '-'}${m.userSource === 'token' ? ' ' + vscode.l10n.t('(from the NTLM AUTHENTICATE; IIS did not log anyone on)') : ''}`,
      ),
      mdText(`${vscode.l10n.t('Client address')}: ${m.clientIp ?? '-'}`),
    ];
    if (m.xff) lines.push(mdText(`X-Forwarded-For: ${m.xff}`));
    lines.push(
      mdText(
        `${vscode.l10n.t('Channel bindings')}: ${m.cbt ? cbtText(m.cbt) + (m.channelBindings ? ' ' + m.channelBindings : '') : vscode.l10n.t('no NTLM AUTHENTICATE in this request')}`,
      ),
    );
    if (m.findings.length) lines.push(mdText(m.findings.join(', ')));
    lines.push(mdCode(m.path));
    item.tooltip = new vscode.MarkdownString(lines.join('\n\n'));
    const rank = triageRank(m);
    item.iconPath =
      rank <= 1
        ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))
        : rank <= 4
          ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
          : new vscode.ThemeIcon('pass');
    item.resourceUri = vscode.Uri.file(m.path);
    item.contextValue = 'frebMatch';
    // A click opens the report (what the admin wants to read); the raw XML is the context menu's.
    item.command = { title: vscode.l10n.t('Open FREB Report'), command: 'iisAuthLens.openFrebReport', arguments: [vscode.Uri.file(m.path)] };
    return item;
  }
}

function shortTime(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '?';
}

function codeText(m: FrebMatch): string {
  return m.codeName ?? (m.win32Status ? `0x${m.win32Status.toString(16).toUpperCase()}` : '');
}

function clientText(m: FrebMatch): string {
  if (!m.client) return vscode.l10n.t('no client address');
  // Through a proxy: the XFF address, and the proxy that forwarded it.
  return m.xff && m.clientIp && m.client !== m.clientIp
    ? vscode.l10n.t('{0} via {1}', m.client, m.clientIp)
    : m.xff
      ? vscode.l10n.t('{0} (XFF)', m.client)
      : m.client;
}

function cbtText(state: CbtState): string {
  switch (state) {
    case 'absent':
      return vscode.l10n.t('absent');
    case 'zero':
      return vscode.l10n.t('zero');
    case 'present':
      return vscode.l10n.t('present');
    case 'malformed':
      return vscode.l10n.t('malformed');
  }
}

/** A path given as a command argument (a Uri from a menu, or a string), else undefined. */
function pathArg(arg: unknown): string | undefined {
  return arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : undefined;
}

function matchPath(arg: unknown): string | undefined {
  const given = pathArg(arg);
  if (given !== undefined) return given;
  const n = arg as Node | undefined;
  return n && n.kind === 'match' ? n.match.path : n && n.kind === 'error' ? n.path : undefined;
}

/**
 * Where Copy Matches goes: a new folder next to the searched one (a folder dialog cannot name a
 * folder that does not exist yet; inside the searched folder the copies would turn up in the next
 * search), a folder typed in (created when missing), or one picked.
 */
async function pickCopyDestination(folder: string | null, count: number, preset?: string): Promise<string | undefined> {
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const suggested = preset ?? (folder ? path.join(path.dirname(folder), `${path.basename(folder)}-matches-${stamp}`) : undefined);
  type Item = vscode.QuickPickItem & { act: 'new' | 'type' | 'pick' };
  const items: Item[] = [];
  if (suggested) items.push({ label: `$(new-folder) ${suggested}`, description: vscode.l10n.t('new folder next to the searched one'), act: 'new' });
  items.push({ label: `$(edit) ${vscode.l10n.t('Type a folder path...')}`, description: vscode.l10n.t('created when missing'), act: 'type' });
  items.push({ label: `$(folder-opened) ${vscode.l10n.t('Choose an existing folder...')}`, act: 'pick' });
  const choice = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Copy {0} FREB traces (and freb.xsl) to...', count) });
  if (!choice) return undefined;
  if (choice.act === 'new') return suggested;
  if (choice.act === 'type') {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Copy FREB matches to folder'),
      prompt: vscode.l10n.t('Destination folder; created when missing'),
      value: suggested ?? '',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() && path.isAbsolute(v.trim()) ? null : vscode.l10n.t('Enter an absolute folder path')),
    });
    return typed?.trim() || undefined;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    defaultUri: folder ? vscode.Uri.file(folder) : undefined,
    openLabel: vscode.l10n.t('Copy {0} traces here', count),
    title: vscode.l10n.t('Copy FREB matches to folder'),
  });
  return picked?.[0]?.fsPath;
}

/** Runs the search in the worker; resolves with the result (cancelled or not). */
function runWorker(
  ctx: ClientContext,
  folder: string,
  filter: FrebFilter,
  progress: (p: FrebSearchProgress) => void,
  token: vscode.CancellationToken,
): Promise<FrebSearchResult> {
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
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    defaultUri: def,
    openLabel: vscode.l10n.t('Search FREB traces here'),
    title: vscode.l10n.t('Folder with FREB traces (FailedReqLogFiles or a W3SVCn folder)'),
  });
  return picked?.[0]?.fsPath;
}

/** One optional input per filter; Enter on an empty box skips it, Escape cancels the search. */
async function askFilter(): Promise<{ filter: FrebFilter; clauses: string[] } | undefined> {
  // The placeholder says what an empty box means; the example sits in the prompt, so it never
  // looks like a value that is already filled in.
  const any = vscode.l10n.t('empty = any');
  const steps: Array<{ key: string; prompt: string; placeholder: string }> = [
    { key: 'url', prompt: vscode.l10n.t('URL or path, * and ? wildcards, e.g. {0}', '*/EWS/mrsproxy.svc'), placeholder: any },
    { key: 'status', prompt: vscode.l10n.t('Status or status.substatus, comma-separated, e.g. {0}', '401.1'), placeholder: any },
    { key: 'win32', prompt: vscode.l10n.t('Win32/SSPI error code, decimal or hex, e.g. {0} (SEC_E_BAD_BINDINGS)', '0x80090346'), placeholder: any },
    { key: 'header', prompt: vscode.l10n.t('Request header, optionally with a value glob: NAME[:GLOB], e.g. {0}', 'X-Forwarded-For:*'), placeholder: any },
    {
      key: 'from',
      prompt: vscode.l10n.t('Requests from (ISO date/time, UTC), e.g. {0}', '2026-11-21T10:00:00Z'),
      placeholder: vscode.l10n.t('empty = no limit'),
    },
    {
      key: 'to',
      prompt: vscode.l10n.t('Requests until (ISO date/time, UTC), e.g. {0}', '2026-11-21T18:00:00Z'),
      placeholder: vscode.l10n.t('empty = no limit'),
    },
  ];
  const filter: FrebFilter = {};
  const clauses: string[] = [];
  for (let k = 0; k < steps.length; k++) {
    const s = steps[k];
    const v = await vscode.window.showInputBox({
      title: vscode.l10n.t('Find FREB traces ({0}/{1})', k + 1, steps.length),
      prompt: s.prompt,
      placeHolder: s.placeholder,
      value: '',
      ignoreFocusOut: true,
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

export const frebSearch: ClientFeature<'freb/frebSearch'> = {
  activate(ctx) {
    const provider = new FrebResultsProvider();
    let lastCopy: CopyResult | undefined;
    const view = vscode.window.createTreeView('iisAuthLens.frebResults', { treeDataProvider: provider, showCollapseAll: false });

    // Arguments (folder, filter clauses) skip the prompts: for scripted use and the e2e tests.
    const find = async (folderArg?: unknown, filterArg?: unknown): Promise<FrebSearchResult | undefined> => {
      const folder = pathArg(folderArg) ?? (await pickFolder());
      if (!folder) return undefined;
      let f: { filter: FrebFilter; clauses: string[] } | undefined;
      try {
        // From an explorer context menu the second argument is the selection (Uri[]): prompt then.
        const scripted = Array.isArray(filterArg)
          ? filterArg.every((c) => typeof c === 'string')
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
        result = await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            cancellable: true,
            title: vscode.l10n.t('Searching FREB traces in {0}', folder),
          },
          async (progress, token) => {
            let last = 0;
            return runWorker(
              ctx,
              folder,
              f.filter,
              (p) => {
                const pct = p.total ? (p.done / p.total) * 100 : 0;
                progress.report({ increment: pct - last, message: vscode.l10n.t('{0} of {1} files, {2} matches', p.done, p.total, p.matched) });
                last = pct;
              },
              token,
            );
          },
        );
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        ctx.log.error(`Find FREB traces: ${msg}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('FREB search failed: {0}', msg));
        return undefined;
      }
      provider.set(folder, filterText, result);
      const bad = result.matches.filter((m) => m.findings.includes('BAD_BINDINGS')).length;
      view.message =
        vscode.l10n.t(
          '{0} of {1} traces match ({2}){3}',
          result.matches.length,
          result.files,
          filterText,
          result.cancelled ? ' · ' + vscode.l10n.t('cancelled') : '',
        ) + (bad ? ' · ' + vscode.l10n.t('{0} BAD_BINDINGS on top', bad) : '');
      ctx.log.info(
        `Find FREB traces: ${result.matches.length}/${result.files} match, ${result.parsed} parsed fully, ${result.errors.length} unreadable, ${Math.round(result.ms)} ms${result.cancelled ? ', cancelled' : ''}`,
      );
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
      // A destination as argument is taken as it is only by the extension's tests; for anyone else
      // (another extension, a link) it is the suggestion the user confirms: nothing is written unasked.
      const given = pathArg(destArg);
      const dest = given && ctx.testMode ? given : await pickCopyDestination(provider.folder, matches.length, given);
      if (!dest) return undefined;
      const r = await copyFrebMatches(
        matches.map((m) => m.path),
        dest,
        provider.folder ? [provider.folder] : [],
      );
      for (const e of r.errors) ctx.log.warn(e.error);
      const parts = [vscode.l10n.t('{0} of {1} traces copied to {2}', r.copied.length, matches.length, r.destination)];
      if (r.created) parts.push(vscode.l10n.t('the folder was created'));
      parts.push(
        r.stylesheetSource
          ? vscode.l10n.t('freb.xsl copied from {0}', r.stylesheetSource)
          : vscode.l10n.t('no freb.xsl found next to the traces: the copies open as plain XML in a browser'),
      );
      if (r.errors.length) parts.push(vscode.l10n.t('{0} could not be copied (see the output log)', r.errors.length));
      const msg = parts.join('; ');
      ctx.log.info(msg);
      const show = r.errors.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      void show(msg, vscode.l10n.t('Reveal')).then((act) => {
        if (act) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(r.destination));
      });
      lastCopy = r;
      return r.copied;
    };

    const exportCsv = async (destArg?: unknown): Promise<string | undefined> => {
      const matches = provider.result?.matches ?? [];
      if (!matches.length) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No FREB matches to export: run "Find FREB traces..." first.'));
        return undefined;
      }
      // as for copy: an argument is the suggestion, taken unasked only by the extension's tests
      const given = pathArg(destArg);
      let dest = given && ctx.testMode ? given : undefined;
      if (!dest) {
        const picked = await vscode.window.showSaveDialog({
          defaultUri: given ? vscode.Uri.file(given) : provider.folder ? vscode.Uri.file(path.join(provider.folder, 'freb-matches.csv')) : undefined,
          filters: { [vscode.l10n.t('CSV (comma-separated)')]: ['csv'] },
          saveLabel: vscode.l10n.t('Export {0} rows', matches.length),
          title: vscode.l10n.t('Export FREB matches as CSV'),
        });
        dest = picked?.fsPath;
      }
      if (!dest) return undefined;
      try {
        await fs.promises.mkdir(path.dirname(dest), { recursive: true });
        // The BOM makes Excel read the file as UTF-8 (user names with umlauts); RFC 4180 otherwise.
        await fs.promises.writeFile(dest, '\ufeff' + frebMatchesCsv(matches), 'utf8');
      } catch (err) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Cannot write {0}: {1}', dest, err instanceof Error ? err.message : String(err)));
        return undefined;
      }
      const msg = vscode.l10n.t('{0} FREB matches exported to {1}', matches.length, dest);
      ctx.log.info(msg);
      void vscode.window.showInformationMessage(msg, vscode.l10n.t('Open')).then((act) => {
        if (act) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(dest));
      });
      return dest;
    };

    const openXml = async (arg?: unknown): Promise<void> => {
      const p = matchPath(arg);
      if (!p) return;
      const n = arg as Node;
      const line = n && typeof n === 'object' && 'kind' in n && n.kind === 'match' ? Math.max(0, (n.match.failureLine ?? 1) - 1) : 0;
      await vscode.window.showTextDocument(vscode.Uri.file(p), { selection: new vscode.Range(line, 0, line, 0), preview: true });
    };

    return {
      disposables: [view],
      commands: {
        'iisAuthLens.findFrebTraces': find,
        'iisAuthLens.copyFrebMatches': copy,
        'iisAuthLens.exportFrebMatchesCsv': exportCsv,
        'iisAuthLens.frebResults.openXml': openXml,
        'iisAuthLens.frebResults.openReport': (arg?: unknown) => {
          const p = matchPath(arg);
          return p ? vscode.commands.executeCommand('iisAuthLens.openFrebReport', vscode.Uri.file(p)) : undefined;
        },
        // test hooks: what each row shows and what a click runs; what the last copy did
        [FREB_RESULTS_COMMAND]: (detail?: boolean) =>
          provider.getChildren().map((n) => {
            const it = provider.getTreeItem(n);
            return detail
              ? { label: it.label, description: it.description, command: it.command?.command, arguments: it.command?.arguments?.map(String) }
              : it.label;
          }),
        'iisAuthLens.frebResults.lastCopy': () => lastCopy,
      },
    };
  },
};
