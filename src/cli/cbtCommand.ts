import type { Subcommand } from './commands';
import { EXIT_USAGE, type CliIo } from './io';

export const cbtCommand: Subcommand = {
  name: 'cbt',
  summary: 'Compute the channel bindings (RFC 5929 tls-server-end-point) of a certificate or a TLS host',
  usage: 'iis-auth-lens cbt [--json] FILE|HOST:PORT',
  async run(_argv: string[], io: CliIo): Promise<number> {
    io.stderr.write('iis-auth-lens cbt: not implemented yet\n');
    return EXIT_USAGE;
  },
};
