import type { Subcommand } from './commands';
import { EXIT_USAGE, type CliIo } from './io';

export const analyzeCommand: Subcommand = {
  name: 'analyze',
  summary: 'Analyze IIS W3C logs, HTTPERR logs and FREB traces (files, folders, .gz) for Windows-auth failures',
  usage: 'iis-auth-lens analyze [--json] [--summary] PATH...',
  async run(_argv: string[], io: CliIo): Promise<number> {
    io.stderr.write('iis-auth-lens analyze: not implemented yet\n');
    return EXIT_USAGE;
  },
};
