/**
 * The fuzz-v1 target as a Unix-socket server: SOCK_STREAM, each message framed by its u32
 * little-endian length and JAM-codec encoded. One session per connection; requests are answered
 * one at a time, in order. A malformed or unexpected message, a frame the buffer cap refuses, an
 * idle connection, or an error outside the JAM protocol ends that connection (no `Error` message
 * is sent); the server keeps listening for the next one.
 *
 * Memory is bounded whatever the clients do: a connection is not read while its reply waits to be
 * written (the client is not reading), so unread replies do not pile up; incomplete frames of all
 * connections share one cap (fuzz/limits.ts); a stalled connection is closed after the idle timeout.
 */
import { lstatSync, statSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname, isAbsolute } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { decode, encode } from '../spec/codec.js';
import { bufferBudget, defaultLimits, type BufferBudget, type Limits } from './limits.js';
import { frame, message } from './messages.js';
import { newSession, type Outcome, type SessionOptions } from './session.js';

/** What the server reports as it runs (the CLI prints it; tests may ignore it). */
export type TargetEvent =
  | { readonly kind: 'connected'; readonly connection: number }
  | { readonly kind: 'request'; readonly connection: number; readonly request: string; readonly reply: string; readonly ms: number }
  | { readonly kind: 'closed'; readonly connection: number; readonly reason: string };

export interface TargetOptions extends SessionOptions, Partial<Limits> {
  readonly onEvent?: (e: TargetEvent) => void;
}

/** A socket path the target will not bind, with the reason in one line. */
export class SocketPathError extends Error {}

/** The first `n` octets of the queued chunks, removed from the queue (copied only when they span chunks). */
const take = (queue: Uint8Array[], n: number): Uint8Array => {
  const first = queue[0];
  // An empty frame is legal framing (its payload then fails to decode): the queue may be empty.
  if (first !== undefined && first.length >= n) {
    if (first.length === n) queue.shift();
    else queue[0] = first.subarray(n);
    return first.subarray(0, n);
  }
  const out = new Uint8Array(n);
  for (let at = 0; at < n; ) {
    const chunk = queue[0]!;
    const k = Math.min(chunk.length, n - at);
    out.set(chunk.subarray(0, k), at);
    at += k;
    if (k === chunk.length) queue.shift();
    else queue[0] = chunk.subarray(k);
  }
  return out;
};

/** Serves one connection: deframes, decodes, answers, or closes on anything the protocol does not allow. */
const serveConnection = (socket: Socket, connection: number, options: TargetOptions, budget: BufferBudget, idleTimeoutMs: number): void => {
  const { spec } = options;
  const session = newSession(options);
  const emit = options.onEvent ?? (() => undefined);
  const queue: Uint8Array[] = [];
  let queued = 0;
  /** The payload length of the frame being received, once its prefix is in: reserved in `budget`. */
  let length: number | undefined;
  /** A reply waits in the socket's buffer: answer and read nothing more until it drains. */
  let waiting = false;
  let open = true;
  emit({ kind: 'connected', connection });

  const end = (reason: string): void => {
    if (!open) return;
    open = false;
    if (length !== undefined) budget.release(length);
    queue.length = 0;
    emit({ kind: 'closed', connection, reason });
    socket.destroy();
  };

  const answer = (payload: Uint8Array): void => {
    const request = decode(message(spec), payload);
    if (E.isLeft(request)) return end(`malformed message: ${request.left.toString()}`);
    const t0 = performance.now();
    let outcome: Outcome;
    try {
      outcome = session.respond(request.right);
    } catch (e) {
      // A broken invariant in the model: out of protocol, so the session ends without `Error`.
      outcome = { kind: 'close', reason: `internal error: ${(e as Error).message}` };
    }
    if (outcome.kind === 'close') return end(outcome.reason);
    const ms = performance.now() - t0;
    waiting = !socket.write(frame(encode(message(spec), outcome.message)));
    // Reported after the reply is on its way: a log line's write is not the fuzzer's wait.
    emit({ kind: 'request', connection, request: request.right.kind, reply: outcome.message.kind, ms });
  };

  /** Answers the complete frames received, one at a time, until a reply waits or a frame is incomplete. */
  const pump = (): void => {
    while (open && !waiting) {
      if (length === undefined) {
        if (queued < 4) break;
        const prefix = take(queue, 4);
        queued -= 4;
        const declared = new DataView(prefix.buffer, prefix.byteOffset, 4).getUint32(0, true);
        const refused = budget.reserve(declared);
        if (refused !== undefined) return end(refused);
        length = declared;
      }
      if (queued < length) break;
      const payload = take(queue, length);
      queued -= length;
      const reserved = length;
      length = undefined;
      answer(payload);
      budget.release(reserved);
    }
    if (!open) return;
    if (waiting) socket.pause();
    else socket.resume();
  };

  socket.setTimeout(idleTimeoutMs, () => end(`idle for ${idleTimeoutMs / 1000} s`));
  socket.on('data', (chunk: Buffer) => {
    if (!open) return;
    queue.push(chunk);
    queued += chunk.length;
    pump();
  });
  socket.on('drain', () => {
    waiting = false;
    pump();
  });
  socket.on('end', () => end('the fuzzer closed the connection'));
  socket.on('error', (e) => end(`socket error: ${e.message}`));
};

/** An fs or socket error in words, for a one-line message. */
const describeError = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'ENOTDIR') return 'a component of the path is not a folder';
  if (code === 'EADDRINUSE') return 'the address is in use';
  return (e as Error).message;
};

/** Linux's `sun_path` holds 108 octets with the terminating NUL; a longer path would be cut short silently. */
const maxSocketPathOctets = 107;

/** The path as `listen` and `connect` take it: they read a string of digits as a TCP port, `./8080` is the file. */
const address = (path: string): string => (isAbsolute(path) ? path : `./${path}`);

/** Whether a live server accepts connections on the socket at `path` (a stale socket refuses them). */
const answers = (path: string): Promise<boolean> =>
  new Promise((resolve, reject) => {
    const probe = connect(address(path));
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') resolve(false);
      // A full backlog: someone is listening.
      else if (e.code === 'EAGAIN') resolve(true);
      else reject(new SocketPathError(`cannot probe the socket ${path}: ${describeError(e)}`));
    });
  });

/**
 * Makes `path` free to bind, or says why not: its folder must exist, and a file already there is
 * replaced only if it is a socket nobody answers on (left behind by a target that died).
 */
const claimSocketPath = async (path: string): Promise<void> => {
  if (path === '') throw new SocketPathError('the socket path is empty');
  const octets = Buffer.byteLength(address(path));
  if (octets > maxSocketPathOctets) throw new SocketPathError(`the socket path ${path} is ${octets} octets long; a Unix socket path holds at most ${maxSocketPathOctets}`);
  const folder = dirname(path);
  try {
    if (!statSync(folder).isDirectory()) throw new SocketPathError(`${folder} is not a folder (for the socket ${path})`);
  } catch (e) {
    if (e instanceof SocketPathError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SocketPathError(`the folder ${folder} does not exist (for the socket ${path})`);
    throw new SocketPathError(`cannot use the folder ${folder} for the socket ${path}: ${describeError(e)}`);
  }
  let existing;
  try {
    existing = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new SocketPathError(`cannot inspect ${path}: ${describeError(e)}`);
  }
  if (!existing.isSocket()) throw new SocketPathError(`${path} exists and is not a socket; refusing to replace it`);
  if (await answers(path)) throw new SocketPathError(`a target is already listening on ${path}`);
  unlinkSync(path);
};

/** The listening target. `close` waits for the open connections to end; `stop` ends them too. */
export interface TargetServer extends Server {
  readonly stop: () => Promise<void>;
}

/**
 * Starts the target on a Unix socket path; resolves once listening. Rejects with a
 * `SocketPathError` for a path it will not take (see `claimSocketPath`) or cannot bind.
 */
export const startTarget = async (path: string, options: TargetOptions): Promise<TargetServer> => {
  await claimSocketPath(path);
  const budget = bufferBudget(options.maxBuffered ?? defaultLimits.maxBuffered);
  const idleTimeoutMs = options.idleTimeoutMs ?? defaultLimits.idleTimeoutMs;
  let connections = 0;
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    serveConnection(socket, ++connections, options, budget, idleTimeoutMs);
  });
  await new Promise<void>((resolve, reject) => {
    const refuse = (e: Error): void => reject(new SocketPathError(`cannot listen on ${path}: ${describeError(e)}`));
    server.once('error', refuse);
    server.listen(address(path), () => {
      server.off('error', refuse);
      resolve();
    });
  });
  const stop = (): Promise<void> =>
    new Promise((done) => {
      server.close(() => done());
      for (const socket of open) socket.destroy();
    });
  return Object.assign(server, { stop });
};
