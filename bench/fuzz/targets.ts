/**
 * Fuzz-v1 targets as child processes: each target runs in its own process, on its own Unix
 * socket, so that the round trips measured against it are comparable. Every process started
 * here is stopped by `stop`, and killed when this process exits, is interrupted or fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, closeSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Target {
  /** The name printed in the table, e.g. `jam-model`, `typeberry`. */
  readonly name: string;
  readonly socket: string;
  /** Its process id (for reading its memory in /proc). */
  readonly pid: number;
  /** Where the target's stdout and stderr go. */
  readonly log: string;
  /** Stops the target: SIGTERM to its process group, SIGKILL if it is still there after a while. */
  readonly stop: () => Promise<void>;
}

export interface TargetCommand {
  readonly name: string;
  readonly command: string;
  readonly args: ReadonlyArray<string>;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly socket: string;
  readonly log: string;
  /** Whether the log holds each ImportBlock's time in the target (the model's --verbose lines). */
  readonly timesLogged?: boolean;
}

const running = new Set<ChildProcess>();

/** Kills a child's whole process group (it was started detached, as its group leader). */
const killGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
};

let cleanupInstalled = false;

/** On exit (normal, error) and on SIGINT/SIGTERM: every target still running is killed. */
const installCleanup = (): void => {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => {
    for (const c of running) killGroup(c, 'SIGKILL');
  });
  for (const [signal, status] of [['SIGINT', 130], ['SIGTERM', 143]] as const)
    process.once(signal, () => {
      for (const c of running) killGroup(c, 'SIGKILL');
      process.exit(status);
    });
};

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

const canConnect = (path: string): Promise<boolean> =>
  new Promise((done) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      done(true);
    });
    s.once('error', () => done(false));
  });

/** The last lines of a log file, for an error message. */
export const logTail = (path: string, lines = 15): string => {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
};

/**
 * Starts a target and resolves once its socket accepts a connection; rejects, with the end of
 * its log, if the process exits first or the socket is not there within `timeoutMs`.
 */
export const startTarget = async (t: TargetCommand, timeoutMs = 120_000): Promise<Target> => {
  installCleanup();
  const out = openSync(t.log, 'w');
  const child = spawn(t.command, [...t.args], { cwd: t.cwd, env: t.env ?? process.env, stdio: ['ignore', out, out], detached: true });
  closeSync(out);
  running.add(child);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  void exited.then(() => running.delete(child));
  const stop = async (): Promise<void> => {
    killGroup(child, 'SIGTERM');
    const gone = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
    if (!gone) {
      killGroup(child, 'SIGKILL');
      await exited;
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${t.name} exited before listening (${child.exitCode ?? child.signalCode}); its log ${t.log}:\n${logTail(t.log)}`);
    if (existsSync(t.socket) && (await canConnect(t.socket))) return { name: t.name, socket: t.socket, pid: child.pid!, log: t.log, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`${t.name}: socket ${t.socket} not ready after ${timeoutMs / 1000} s; its log ${t.log}:\n${logTail(t.log)}`);
};

/** The model's own fuzz target (dist/bin/jam-model.js fuzz-target) on a socket in `dir`. */
export const modelTarget = (dir: string, engine: string | undefined): TargetCommand => {
  const socket = join(dir, 'jam-model.sock');
  return {
    name: 'jam-model',
    command: process.execPath,
    // --verbose: a line a request, with the import's time in the target.
    args: [fileURLToPath(new URL('../../bin/jam-model.js', import.meta.url)), 'fuzz-target', '--socket', socket, '--verbose', ...(engine === undefined ? [] : ['--engine', engine])],
    socket,
    log: join(dir, 'jam-model.log'),
    timesLogged: true,
  };
};

/** Where typeberry's fuzz target is installed: TYPEBERRY_DIR, else where the peer's install.sh puts it. */
export const typeberryDir = (): string => resolve(process.env['TYPEBERRY_DIR'] ?? '/tmp/peer-tb/tb');

/** typeberry's fuzz target in `tbDir`, on a socket in `dir`. */
export const typeberryTarget = (dir: string, tbDir: string): TargetCommand => {
  const socket = join(dir, 'typeberry.sock');
  // As the peer's bench.sh starts it: default (tiny) config, in-memory state database.
  const env: NodeJS.ProcessEnv = { ...process.env, GP_VERSION: '0.7.2' };
  delete env['JAM_FUZZ_DB'];
  return {
    name: 'typeberry',
    command: process.execPath,
    args: ['index.js', 'fuzz-target', '--config=default', '--config=.database_base_path="undefined"', socket],
    cwd: tbDir,
    env,
    socket,
    log: join(dir, 'typeberry.log'),
  };
};
