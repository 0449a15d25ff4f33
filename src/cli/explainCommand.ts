import type { Subcommand } from './commands';
import { EXIT_USAGE, type CliIo } from './io';

export const explainCommand: Subcommand = {
  name: 'explain',
  summary: 'Explain MRS, HCW and migration error texts and SSPI codes',
  usage: 'iis-auth-lens explain [--json] FILE|-',
  async run(_argv: string[], io: CliIo): Promise<number> {
    io.stderr.write('iis-auth-lens explain: not implemented yet\n');
    return EXIT_USAGE;
  },
};
