/**
 * The commands of the `pivot-esl` executable: `serve` runs the server, `simulate` places one simulated call to a
 * TwiML app, `check` validates a TwiML document, `call` creates a call through a server's Calls API and follows it,
 * `version` prints the version. Each command's module is loaded when it runs: `serve` never loads the simulator or
 * the demo that `simulate` runs on.
 */
import { toAppError } from '../errors.js';
import { CliError, EXIT, parseCommandArgs, reportError, type CliIo } from './cli-io.js';
import { packageVersion } from './version.js';

/** The help text of the executable. */
export const HELP = `Usage: pivot-esl <command> [options]

Runs TwiML call scripts on FreeSWITCH calls handed over through the outbound Event Socket.

Commands:
  serve                   run the server (configuration from conf/ and the environment)
  simulate --url <url>    place one simulated call to a TwiML app and print it as a transcript
  check <file|url|->      parse and validate a TwiML document and list every problem
  call --to <n> --from <n> (--url <url> | --twiml <xml>)
                          create a call through the Calls API of a running server and follow it
  version                 print the version

Run 'pivot-esl <command> --help' for the options of a command.`;

const SERVE_HELP = `Usage: pivot-esl serve [--config <file>]

Runs the outbound Event Socket server that FreeSWITCH hands calls to (socket <host>:<port> async full), with the
TwiML engine. It listens on esl.host:esl.port (default 127.0.0.1:8084) and logs pino JSON lines to stdout.
SIGTERM or SIGINT stop it: calls in progress may finish for server.drainMs, then it exits 0.

Options:
  --config <file>   configuration file (default: $PIVOT_CONFIG, else conf/default.json)
  -h, --help        show this help`;

async function serveCommand(args: readonly string[], io: CliIo): Promise<number | undefined> {
  let values;
  try {
    ({ values } = parseCommandArgs({
      args: [...args],
      options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    }));
  } catch (err) {
    return reportError(io, 'serve', err instanceof CliError ? err : toAppError(err));
  }
  if (values.help) {
    io.out(SERVE_HELP);
    return EXIT.OK;
  }
  const { serve } = await import('../server/serve-process.js');
  await serve(values.config === undefined ? {} : { configFile: values.config });
  return undefined;
}

function versionCommand(args: readonly string[], io: CliIo): number {
  try {
    const { values } = parseCommandArgs({ args: [...args], options: { help: { type: 'boolean', short: 'h' } } });
    io.out(values.help ? 'Usage: pivot-esl version\n\nPrints the version of pivot-esl.' : packageVersion());
    return EXIT.OK;
  } catch (err) {
    return reportError(io, 'version', err instanceof CliError ? err : toAppError(err));
  }
}

/**
 * Runs the command named by `argv[0]` with the rest of `argv`; resolves with the exit code, or undefined for
 * `serve`, which keeps running until it is stopped.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number | undefined> {
  const [command, ...args] = argv;
  switch (command) {
    case 'serve':
      return serveCommand(args, io);
    case 'simulate':
      return (await import('./simulate-command.js')).simulateCommand(args, io);
    case 'check':
      return (await import('./check-command.js')).checkCommand(args, io);
    case 'call':
      return (await import('./call-command.js')).callCommand(args, io);
    case 'version':
    case '--version':
      return versionCommand(args, io);
    case 'help':
    case '--help':
    case '-h':
      io.out(HELP);
      return EXIT.OK;
    case undefined:
      io.err(HELP);
      return EXIT.USAGE;
    default:
      io.err(`pivot-esl: error ERR_CLI_USAGE: unknown command "${command}"`);
      io.err(`Run 'pivot-esl --help' for the commands.`);
      return EXIT.USAGE;
  }
}
