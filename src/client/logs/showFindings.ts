// `iisAuthLens.showFindings`: the findings of one `#Fields` block (from a CodeLens) or of a whole
// file in a quick pick; picking one jumps to its line.
import * as vscode from 'vscode';
import type { ClientFeature, ClientContext } from '../context';
import { compareFindings, severityOf, type Finding } from '../../core/findings';
import { FindingsRequest, sendRequest, type FindingsParams, type RangedFinding, type ShowFindingsArgs } from '../../protocol/requests';
import { localFindingMessage, logSummary, revealLine } from './logSummaryView';
import { plainLabel } from '../../core/markdown';

interface FindingItem extends vscode.QuickPickItem {
  finding: Finding;
}

const ICON: Record<string, string> = { error: '$(error)', warning: '$(warning)', info: '$(info)' };

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

async function findingsFor(ctx: ClientContext, args: ShowFindingsArgs): Promise<Finding[]> {
  if (Array.isArray(args.findings)) return args.findings;
  const uri = vscode.Uri.parse(args.uri);
  const analyzed = logSummary.get(uri);
  const open = vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
  if (!open && analyzed && 'findings' in analyzed.result && Array.isArray(analyzed.result.findings)) {
    return analyzed.result.findings;
  }
  const params: FindingsParams = { uri: args.uri, ...(args.block !== undefined ? { block: args.block } : {}) };
  return sendRequest(ctx.client, FindingsRequest, params);
}

export async function showFindings(ctx: ClientContext, args: ShowFindingsArgs | undefined): Promise<void> {
  if (!args?.uri) {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Open an IIS log to list its findings.'));
      return;
    }
    args = { uri: editor.document.uri.toString() };
  }
  let findings: Finding[];
  try {
    findings = await findingsFor(ctx, args);
  } catch (err) {
    ctx.log.error(`showFindings ${args.uri}: ${err instanceof Error ? err.message : String(err)}`);
    void vscode.window.showErrorMessage(vscode.l10n.t('Could not get the findings: {0}', err instanceof Error ? err.message : String(err)));
    return;
  }
  if (findings.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No findings in this block.'));
    return;
  }
  const pick = await vscode.window.showQuickPick(findingItems(findings), {
    title: args.title ?? vscode.l10n.t('{0} findings', findings.length.toLocaleString('en-US')),
    placeHolder: vscode.l10n.t('Pick a finding to go to its line'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!pick) return;
  const range = (pick.finding as RangedFinding).range;
  if (range) {
    // the field that shows the finding (sc-win32-status ...), selected and centred as Problems does:
    // the status columns are often off-screen behind a long query string
    const r = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
    const editor = await vscode.window.showTextDocument(vscode.Uri.parse(args.uri), { selection: r, preview: true });
    editor.revealRange(r, vscode.TextEditorRevealType.InCenter);
    return;
  }
  await revealLine(vscode.Uri.parse(args.uri), pick.finding.line, ctx.log);
}

export const showFindingsCommand: ClientFeature<'logs/showFindings'> = {
  activate(ctx: ClientContext) {
    return { commands: { 'iisAuthLens.showFindings': (args?: ShowFindingsArgs) => showFindings(ctx, args) } };
  },
};
