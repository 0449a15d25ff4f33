// `iisAuthLens.showFindings`: the findings of one `#Fields` block (from a CodeLens) or of a whole
// file in a quick pick; picking one jumps to its line. Asked from the excerpt of a big log, the list
// is that log's (real line numbers) and a pick opens the excerpt at the finding; the excerpt has its
// own CodeLenses for it (the language server is not given excerpts).
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { ClientFeature, ClientContext } from '../context';
import { compareFindings, severityOf, type Finding } from '../../core/findings';
import { FindingsRequest, sendRequest, type FindingsParams, type RangedFinding, type ShowFindingsArgs } from '../../protocol/requests';
import { blockDescription, blockLabel, localFindingMessage, logSummary, revealLine } from './logSummaryView';
import { activeLogUri, EXCERPT_SCHEME, logOfExcerpt, shownExcerpt } from './logExcerptView';
import { plainLabel } from '../../core/markdown';
import { findingsByBlock } from '../../core/files/logExcerpt';

/** Returns the last findings list shown (title and items) for the e2e suite. */
export const FINDINGS_PICK_STATE_COMMAND = 'iisAuthLens.findingsPickState';

interface FindingItem extends vscode.QuickPickItem {
  finding: Finding;
}

const ICON: Record<string, string> = { error: '$(error)', warning: '$(warning)', info: '$(info)' };

/** The last list shown, for the e2e suite. */
let lastShown: { seq: number; uri: string; title: string; placeHolder: string; items: Array<{ label: string; line: number; code: string }> } | undefined;

/** Quick-pick items of findings: BAD_BINDINGS and the other errors first (the findings table's order), then by line. */
export function findingItems(findings: Finding[]): FindingItem[] {
  return [...findings].sort(compareFindings).map((f) => ({
    label: `${ICON[severityOf(f.code)] ?? ''} ${vscode.l10n.t('Line {0}', f.line.toLocaleString('en-US'))}  ${f.code}`,
    description: [f.clientIp, f.uri, f.status, f.win32 != null ? String(f.win32) : null, f.user]
      .filter(Boolean)
      .map((s) => plainLabel(String(s), 120))
      .join(' · '),
    detail: localFindingMessage(f),
    finding: f,
  }));
}

const isOpen = (uri: vscode.Uri): boolean => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());

/** The findings of a file analyzed from disk (over 50 MB, gzip, Analyze Folder) that the editor does not hold. */
function analyzedFindings(uri: vscode.Uri): Finding[] | undefined {
  const analyzed = logSummary.get(uri);
  if (isOpen(uri) || !analyzed || !('findings' in analyzed.result) || !Array.isArray(analyzed.result.findings)) return undefined;
  return analyzed.result.findings;
}

async function findingsFor(ctx: ClientContext, args: ShowFindingsArgs): Promise<Finding[]> {
  if (Array.isArray(args.findings)) return args.findings;
  const fromDisk = analyzedFindings(vscode.Uri.parse(args.uri));
  if (fromDisk) return fromDisk;
  const params: FindingsParams = { uri: args.uri, ...(args.block !== undefined ? { block: args.block } : {}) };
  return sendRequest(ctx.client, FindingsRequest, params);
}

export async function showFindings(
  ctx: ClientContext,
  args: ShowFindingsArgs | undefined,
  options: { placeHolder?: string; ignoreFocusOut?: boolean } = {},
): Promise<void> {
  // the active log: an excerpt tab stands for its big log, whose findings have the real line numbers
  const uri = args?.uri ? vscode.Uri.parse(args.uri) : activeLogUri();
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Open an IIS log to list its findings.'));
    return;
  }
  const log = logOfExcerpt(uri) ?? uri;
  args = { ...args, uri: log.toString() };
  let findings: Finding[];
  try {
    findings = await findingsFor(ctx, args);
  } catch (err) {
    ctx.log.error(`showFindings ${args.uri}: ${err instanceof Error ? err.message : String(err)}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not get the findings: {0}', err instanceof Error ? err.message : String(err)));
    return;
  }
  const fromDisk = !isOpen(log) && log.scheme === 'file';
  if (findings.length === 0) {
    if (fromDisk && !logSummary.get(log)) {
      // a big log the editor does not hold (its tab or its excerpt) that is not analyzed, or was cleared
      const analyze = vscode.l10n.t('Analyze');
      const pick = await vscode.window.showInformationMessage(
        vscode.l10n.t('{0} is not analyzed (or its findings were cleared): analyze it from disk to list them.', path.basename(log.fsPath)),
        analyze,
      );
      if (pick === analyze) await vscode.commands.executeCommand('iisAuthLens.analyzeLargeFile', log);
      return;
    }
    void vscode.window.showInformationMessage(vscode.l10n.t('No findings in this block.'));
    return;
  }
  const items = findingItems(findings);
  const count = findings.length.toLocaleString('en-US');
  const title = args.title ?? (fromDisk ? vscode.l10n.t('{0}: {1} findings', path.basename(log.fsPath), count) : vscode.l10n.t('{0} findings', count));
  const placeHolder = options.placeHolder ?? vscode.l10n.t('Pick a finding to go to its line');
  lastShown = {
    seq: (lastShown?.seq ?? 0) + 1,
    uri: args.uri,
    title,
    placeHolder,
    items: items.map((i) => ({ label: i.label, line: i.finding.line, code: i.finding.code })),
  };
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder,
    matchOnDescription: true,
    matchOnDetail: true,
    ...(options.ignoreFocusOut ? { ignoreFocusOut: true } : {}),
  });
  if (!pick) return;
  const range = (pick.finding as RangedFinding).range;
  if (range) {
    // the field that shows the finding (sc-win32-status ...), selected and centred as Problems does:
    // the status columns are often off-screen behind a long query string
    const r = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
    const editor = await vscode.window.showTextDocument(log, { selection: r, preview: true });
    editor.revealRange(r, vscode.TextEditorRevealType.InCenter);
    return;
  }
  // a big or gzip log opens as a read-only excerpt at the line
  await revealLine(log, pick.finding.line, ctx.log);
}

/**
 * CodeLenses of an excerpt (the language server gives it none): on its title line the findings of
 * the whole log, on the `#Fields` line in force the findings of that block, as a log in the editor
 * has on each block.
 */
class ExcerptCodeLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly sub = logSummary.onDidChange(() => this.changed.fire());

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const shown = shownExcerpt(doc.uri);
    const log = logOfExcerpt(doc.uri);
    if (!shown || !log || doc.lineCount < 2) return [];
    const at = (line: number): vscode.Range => new vscode.Range(line, 0, line, 0);
    const name = path.basename(log.fsPath);
    const result = logSummary.get(log)?.result;
    if (!result || result.error || !('findings' in result) || !Array.isArray(result.findings)) {
      return [
        new vscode.CodeLens(at(0), {
          title: vscode.l10n.t('Analyze {0} from disk to list its findings', name),
          command: 'iisAuthLens.analyzeLargeFile',
          arguments: [log],
        }),
      ];
    }
    const total = result.findingsTotal ?? result.findings.length;
    const lenses = [
      new vscode.CodeLens(at(0), {
        title:
          total === 1
            ? vscode.l10n.t('1 finding in {0}: list it', name)
            : vscode.l10n.t('{0} findings in {1}, errors first: list them', total.toLocaleString('en-US'), name),
        command: 'iisAuthLens.showFindings',
        arguments: [{ uri: log.toString(), findings: result.findings } satisfies ShowFindingsArgs],
      }),
    ];
    // the block the excerpt's line belongs to, on the #Fields line shown for it
    const blocks = findingsByBlock(result.blocks ?? [], result.findings);
    const inForce = blocks.find(({ block }) => (block.headerLine || 1) <= shown.focus && shown.focus <= block.endLine);
    const fieldsAt = inForce ? shown.lineNumbers.indexOf(inForce.block.fieldsLine) : -1;
    if (inForce && fieldsAt > 0 && fieldsAt < doc.lineCount) {
      const b = inForce.block;
      lenses.push(
        new vscode.CodeLens(at(fieldsAt), {
          title: `${blockLabel(b)} · ${blockDescription(b)}`,
          command: 'iisAuthLens.showFindings',
          arguments: [
            {
              uri: log.toString(),
              block: b.index,
              findings: inForce.findings,
              title: vscode.l10n.t('Findings of block {0} (line {1})', b.index, (b.fieldsLine || b.headerLine).toLocaleString('en-US')),
            } satisfies ShowFindingsArgs,
          ],
        }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

export const showFindingsCommand: ClientFeature<'logs/showFindings'> = {
  activate(ctx: ClientContext) {
    const lenses = new ExcerptCodeLenses();
    return {
      disposables: [lenses, vscode.languages.registerCodeLensProvider({ scheme: EXCERPT_SCHEME }, lenses)],
      commands: {
        'iisAuthLens.showFindings': (args?: ShowFindingsArgs) => showFindings(ctx, args),
        // test hook: the last findings list shown
        [FINDINGS_PICK_STATE_COMMAND]: () => lastShown,
      },
    };
  },
};
