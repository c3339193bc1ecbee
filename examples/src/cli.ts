/**
 * What the example programs' command lines share: a usage error type, `--help`, exit statuses (0 done, 2 bad
 * flags, 1 failure) and the entry point that runs `main` only when the file is the script Node started.
 */
import { pathToFileURL } from 'node:url';

/** A bad flag or value: printed as `<program>: <message> (try --help)`, exit status 2. */
export class UsageError extends Error {}

export interface CliIo {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

/**
 * Parses `argv` with `parse` (which returns 'help' for --help and throws UsageError for bad flags), prints the
 * help or the usage error, else runs the program. Resolves with the exit status.
 */
export async function runCommand<O>(
  program: string, argv: readonly string[], io: CliIo, help: string,
  parse: (argv: readonly string[]) => O | 'help', run: (opts: O) => unknown,
): Promise<number> {
  let opts: O | 'help';
  try {
    opts = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err.write(`${program}: ${e.message} (try --help)\n`);
    return 2;
  }
  if (opts === 'help') {
    io.out.write(`${help}\n`);
    return 0;
  }
  await run(opts);
  return 0;
}

/** Runs `main` with the process's arguments when `moduleUrl` is the script Node started; exits with its status. */
export function runIfMain(moduleUrl: string, program: string, main: (argv: readonly string[], io: CliIo) => Promise<number> | number): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const fail = (e: unknown) => {
    process.stderr.write(`${program}: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  };
  try {
    Promise.resolve(main(process.argv.slice(2), { out: process.stdout, err: process.stderr })).then((code) => process.exit(code), fail);
  } catch (e) {
    fail(e);
  }
}

/**
 * Walks `--flag value` pairs: returns 'help' at `--help`/`-h`; otherwise hands each pair to `take`, which returns
 * false for a flag it does not know (a usage error).
 */
export function eachFlag(argv: readonly string[], take: (flag: string, value: string) => boolean): 'help' | undefined {
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') return 'help';
    const value = argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    if (!take(flag, value)) throw new UsageError(`unknown flag '${flag}'`);
  }
  return undefined;
}

/** `value` as an integer ≥ `min`, or a usage error naming the flag. */
export function intFlag(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} needs an integer >= ${min}, got '${value}'`);
  return n;
}

/** `value` as a finite number > 0, or a usage error naming the flag. */
export function positiveFlag(flag: string, value: string): number {
  const x = Number(value);
  if (!(x > 0) || !Number.isFinite(x)) throw new UsageError(`${flag} needs a positive number, got '${value}'`);
  return x;
}
