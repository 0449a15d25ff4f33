// The "Extended Protection by Virtual Directory" view: sites x virtual directories with the value IIS
// applies and Exchange's expected value, for the applicationHost.config documents that are open or
// for a folder of configs (one per server, "Show Extended Protection for Configs in Folder..."); with
// several servers each virtual directory lists every server and is flagged when they disagree.
// A click opens the config at the <location>.
import * as vscode from 'vscode';
import type { ClientContext, ClientFeature } from '../context';
import { IisConfigFormatError, analyzeEpConfig, type EpConfigReport, type EpLocation } from '../../core/iisConfig/epConfig';
import { buildEpMatrix, serverNameFromPath, type EpMatrixRow } from '../../core/iisConfig/epServers';
import type { TokenChecking } from '../../core/iisConfig/exchangeEpTable';
import { mdText, plainLabel } from '../../core/markdown';
import { REVEAL_LINE_COMMAND } from '../logs/logSummaryView';

export const EP_VIEW_ID = 'iisAuthLens.epConfig';
export const EP_FOLDER_COMMAND = 'iisAuthLens.showEpConfigFolder';
/** The rows the view shows, as JSON (for the e2e tests). */
export const EP_ROWS_COMMAND = 'iisAuthLens.epConfig.rows';

const CONFIG_NAME = /applicationhost\.config$/i;

interface ServerConfig {
  server: string;
  uri: vscode.Uri;
  report: EpConfigReport | null;
  error: string | null;
}

type Node =
  | { kind: 'site'; site: string; rows: EpMatrixRow[] }
  | { kind: 'vdir'; row: EpMatrixRow }
  | { kind: 'server'; row: EpMatrixRow; index: number }
  | { kind: 'error'; config: ServerConfig };

function iisName(v: TokenChecking): string {
  return v === 'None' ? vscode.l10n.t('Off') : v === 'Allow' ? vscode.l10n.t('Accept') : vscode.l10n.t('Required');
}

function valueText(v: TokenChecking | null): string {
  return v ? `${v} (${iisName(v)})` : '-';
}

class EpConfigTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  folderConfigs: ServerConfig[] | null = null;
  openConfigs: ServerConfig[] = [];

  configs(): ServerConfig[] {
    return this.folderConfigs ?? this.openConfigs;
  }

  refresh(): void {
    this.changed.fire();
  }

  rows(): EpMatrixRow[] {
    const ok = this.configs().filter((c) => c.report);
    const inputs = ok.map((c) => ({ server: c.server, report: c.report! }));
    const exchange = buildEpMatrix(inputs).rows;
    // A server without Exchange virtual directories still shows its Windows-auth locations.
    return exchange.length ? exchange : buildEpMatrix(inputs, true).rows;
  }

  private servers(): ServerConfig[] {
    return this.configs().filter((c) => c.report);
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const rows = this.rows();
      const sites = [...new Set(rows.map((r) => r.location.split('/')[0]!))];
      const errors: Node[] = this.configs()
        .filter((c) => c.error)
        .map((config) => ({ kind: 'error', config }));
      return [...sites.map((site): Node => ({ kind: 'site', site, rows: rows.filter((r) => r.location.split('/')[0] === site) })), ...errors];
    }
    if (node.kind === 'site') return node.rows.map((row) => ({ kind: 'vdir', row }));
    if (node.kind === 'vdir' && this.servers().length > 1) return node.row.cells.map((_c, index) => ({ kind: 'server', row: node.row, index }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const servers = this.servers();
    if (node.kind === 'site') {
      const item = new vscode.TreeItem(plainLabel(node.site, 80), vscode.TreeItemCollapsibleState.Expanded);
      const off = node.rows.filter((r) => r.disagree || r.cells.some((c) => c.state === 'less-secure' || c.state === 'unsupported')).length;
      item.description = off
        ? vscode.l10n.t('{0} virtual directories, {1} to look at', node.rows.length, off)
        : vscode.l10n.t('{0} virtual directories', node.rows.length);
      item.iconPath = new vscode.ThemeIcon('globe');
      return item;
    }
    if (node.kind === 'error') {
      const item = new vscode.TreeItem(plainLabel(node.config.server, 80));
      item.description = plainLabel(node.config.error ?? '', 200);
      item.iconPath = new vscode.ThemeIcon('error');
      item.command = { command: 'vscode.open', title: '', arguments: [node.config.uri] };
      return item;
    }
    const row = node.row;
    const vdir = row.location.slice(row.location.indexOf('/') + 1);
    if (node.kind === 'server') {
      const cell = row.cells[node.index]!;
      const item = new vscode.TreeItem(plainLabel(cell.server, 80));
      item.description = cell.tokenChecking ? `${valueText(cell.tokenChecking)} · ${stateText(cell.state)}` : vscode.l10n.t('not on this server');
      item.iconPath = stateIcon(cell.state);
      const cfg = servers[node.index];
      if (cfg && cell.line) item.command = { command: REVEAL_LINE_COMMAND, title: '', arguments: [cfg.uri.toString(), cell.line] };
      return item;
    }
    const many = servers.length > 1;
    const item = new vscode.TreeItem(plainLabel(vdir, 80), many ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    const expected = vscode.l10n.t('expected {0}', valueText(row.expected));
    if (many) {
      item.description = `${row.cells.map((c) => `${plainLabel(c.server, 40)}: ${c.tokenChecking ?? '-'}`).join(' · ')} · ${expected}${row.disagree ? ' · ' + vscode.l10n.t('servers disagree') : ''}`;
      item.iconPath = row.disagree ? new vscode.ThemeIcon('warning') : stateIcon(row.cells.find((c) => c.state)?.state ?? null);
    } else {
      const cell = row.cells[0]!;
      item.description = `${valueText(cell.tokenChecking)} · ${expected}`;
      item.iconPath = stateIcon(cell.state);
      if (servers[0] && cell.line) item.command = { command: REVEAL_LINE_COMMAND, title: '', arguments: [servers[0].uri.toString(), cell.line] };
    }
    const tip = new vscode.MarkdownString(undefined, false);
    tip.isTrusted = false;
    tip.appendMarkdown(`**${mdText(row.location)}** · ${mdText(expected)}\n\n`);
    for (const c of row.cells) tip.appendMarkdown(`- ${mdText(c.server)}: ${mdText(valueText(c.tokenChecking))} · ${mdText(stateText(c.state))}\n`);
    item.tooltip = tip;
    item.contextValue = row.disagree ? 'epDisagree' : 'epRow';
    return item;
  }
}

function stateText(state: EpLocation['state'] | null): string {
  switch (state) {
    case 'expected':
      return vscode.l10n.t('as expected');
    case 'less-secure':
      return vscode.l10n.t('less secure than supported');
    case 'unsupported':
      return vscode.l10n.t('stricter than Exchange supports');
    case 'not-exchange':
      return vscode.l10n.t('not an Exchange virtual directory');
    default:
      return vscode.l10n.t('not on this server');
  }
}

function stateIcon(state: EpLocation['state'] | null): vscode.ThemeIcon {
  if (state === 'expected') return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  if (state === 'less-secure') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  if (state === 'unsupported') return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  return new vscode.ThemeIcon('circle-outline');
}

function analyze(server: string, uri: vscode.Uri, text: string): ServerConfig {
  try {
    return { server, uri, report: analyzeEpConfig(text), error: null };
  } catch (err) {
    return { server, uri, report: null, error: err instanceof IisConfigFormatError ? err.message : String(err) };
  }
}

function isConfigDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme !== 'git' && CONFIG_NAME.test(doc.uri.path.split('/').pop() ?? '');
}

async function configsIn(dir: vscode.Uri, depth = 0): Promise<vscode.Uri[]> {
  const out: vscode.Uri[] = [];
  for (const [name, type] of (await vscode.workspace.fs.readDirectory(dir)).sort((a, b) => a[0].localeCompare(b[0]))) {
    const child = vscode.Uri.joinPath(dir, name);
    if (type === vscode.FileType.Directory && depth < 4) out.push(...(await configsIn(child, depth + 1)));
    else if (type === vscode.FileType.File && CONFIG_NAME.test(name)) out.push(child);
  }
  return out;
}

export const epConfigView: ClientFeature<'epconfig/epConfigView'> = {
  activate(ctx: ClientContext) {
    const tree = new EpConfigTree();
    const view = vscode.window.createTreeView(EP_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
    let timer: NodeJS.Timeout | undefined;
    const update = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        tree.openConfigs = vscode.workspace.textDocuments
          .filter(isConfigDocument)
          .map((d) => analyze(serverNameFromPath(d.uri.fsPath || d.uri.path), d.uri, d.getText()));
        if (!tree.folderConfigs) tree.refresh();
      }, 200);
    };
    update();

    const showFolder = async (arg?: vscode.Uri): Promise<number> => {
      let folder = arg instanceof vscode.Uri ? arg : undefined;
      if (!folder) {
        const picked = await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          canSelectMany: false,
          openLabel: vscode.l10n.t('Show Extended Protection'),
          title: vscode.l10n.t('Folder with applicationHost.config files (one per server)'),
        });
        folder = picked?.[0];
      }
      if (!folder) return 0;
      const uris = await configsIn(folder);
      if (uris.length === 0) {
        void vscode.window.showWarningMessage(vscode.l10n.t('No applicationHost.config files in {0}.', folder.fsPath || folder.path));
        return 0;
      }
      const configs: ServerConfig[] = [];
      for (const uri of uris) {
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)).replace(/^\uFEFF/, '');
        configs.push(analyze(serverNameFromPath(uri.fsPath || uri.path), uri, text));
      }
      tree.folderConfigs = configs;
      tree.refresh();
      ctx.log.info(`Extended Protection: ${configs.length} config(s) from ${folder.fsPath}`);
      await vscode.commands.executeCommand(`${EP_VIEW_ID}.focus`);
      return configs.length;
    };

    return {
      disposables: [
        view,
        vscode.workspace.onDidOpenTextDocument((d) => {
          if (isConfigDocument(d)) update();
        }),
        vscode.workspace.onDidCloseTextDocument((d) => {
          if (isConfigDocument(d)) update();
        }),
        vscode.workspace.onDidChangeTextDocument((e) => {
          if (isConfigDocument(e.document)) update();
        }),
        { dispose: () => clearTimeout(timer) },
      ],
      commands: {
        [EP_FOLDER_COMMAND]: showFolder,
        // test hook: the servers and rows the view shows
        [EP_ROWS_COMMAND]: () => ({
          servers: tree.configs().map((c) => ({ server: c.server, uri: c.uri.toString(), error: c.error })),
          rows: tree.rows(),
        }),
      },
    };
  },
};
