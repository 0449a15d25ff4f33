import type { Subcommand } from './commands';
import { EXIT_USAGE, type CliIo } from './io';

export const probeCommand: Subcommand = {
  name: 'probe',
  summary: 'Probe an MRS endpoint for Extended Protection and TLS-termination problems',
  usage: 'iis-auth-lens probe [--json] URL --user DOMAIN\\USER --password-stdin [--ca FILE | --insecure] [--timeout MS]',
  async run(_argv: string[], io: CliIo): Promise<number> {
    io.stderr.write('iis-auth-lens probe: not implemented yet\n');
    return EXIT_USAGE;
  },
};
