// The subcommands of the CLI contract (../shared/cli-contract.md). Each module parses its own
// arguments and returns an exit code.
import type { CliIo } from './io';

export interface Subcommand {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

import { decodeCommand } from './decodeCommand';
import { cbtCommand } from './cbtCommand';
import { analyzeCommand } from './analyzeCommand';
import { probeCommand } from './probeCommand';
import { explainCommand } from './explainCommand';

export const subcommands: Subcommand[] = [analyzeCommand, decodeCommand, cbtCommand, probeCommand, explainCommand];
