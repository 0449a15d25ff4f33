// Argument handling shared by the repo's node scripts: a one-line failure with the script's name,
// strict option parsing, usage on a bad option (exit 2) and on --help (exit 0).
import { parseArgs } from 'node:util';

/** fail(msg, code = 1): prints `<name>: msg` on stderr and exits. */
export function scriptFailer(name) {
  return (msg, code = 1) => {
    process.stderr.write(`${name}: ${msg}\n`);
    process.exit(code);
  };
}

/** The parsed option values; --help/-h is added to options. */
export function parseScriptArgs(fail, usage, options) {
  let values;
  try {
    values = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h', default: false } }, strict: true }).values;
  } catch (err) {
    fail(`${err.message}\n${usage}`, 2);
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values;
}
