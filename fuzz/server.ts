/**
 * The fuzz-v1 target as a Unix-socket server: SOCK_STREAM, each message framed by its u32
 * little-endian length and JAM-codec encoded. One session per connection; requests are answered
 * in order. A malformed or unexpected message, an oversize frame, or an error outside the JAM
 * protocol ends that connection (no `Error` message is sent); the server keeps listening for the
 * next one.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import * as E from 'fp-ts/lib/Either.js';
import { concatBytes } from '../spec/bytes.js';
import { decode, encode } from '../spec/codec.js';
import { deframe, frame, message } from './messages.js';
import { newSession, type Outcome, type SessionOptions } from './session.js';

/** What the server reports as it runs (the CLI prints it; tests may ignore it). */
export type TargetEvent =
  | { readonly kind: 'connected'; readonly connection: number }
  | { readonly kind: 'request'; readonly connection: number; readonly request: string; readonly reply: string; readonly ms: number }
  | { readonly kind: 'closed'; readonly connection: number; readonly reason: string };

export interface TargetOptions extends SessionOptions {
  /** The longest frame accepted; a longer claimed length ends the session. */
  readonly maxFrameLength?: number;
  readonly onEvent?: (e: TargetEvent) => void;
}

/** Large enough for a full-config state of a long chain, small enough to refuse absurd lengths. */
export const defaultMaxFrameLength = 256 * 1024 * 1024;

/** Serves one connection: deframes, decodes, answers, or closes on anything the protocol does not allow. */
const serveConnection = (socket: Socket, connection: number, options: TargetOptions): void => {
  const { spec } = options;
  const maxLength = options.maxFrameLength ?? defaultMaxFrameLength;
  const session = newSession(options);
  const emit = options.onEvent ?? (() => undefined);
  // Chunks are joined only once the next frame is complete (`need` octets), so a large frame
  // arriving in many chunks is copied once, not once per chunk.
  let chunks: Uint8Array[] = [];
  let held = 0;
  let need = 4;
  let open = true;
  emit({ kind: 'connected', connection });

  const end = (reason: string): void => {
    if (!open) return;
    open = false;
    emit({ kind: 'closed', connection, reason });
    socket.destroy();
  };

  socket.on('data', (chunk: Buffer) => {
    if (!open) return;
    chunks.push(chunk);
    held += chunk.length;
    if (held < need) return;
    const cut = deframe(chunks.length === 1 ? chunks[0]! : concatBytes(...chunks), maxLength);
    if (cut.kind === 'oversize') return end(`frame length ${cut.length} exceeds ${maxLength}`);
    chunks = cut.rest.length === 0 ? [] : [cut.rest.slice()];
    held = cut.rest.length;
    need = held < 4 ? 4 : 4 + new DataView(cut.rest.buffer, cut.rest.byteOffset, 4).getUint32(0, true);
    for (const payload of cut.frames) {
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
      emit({ kind: 'request', connection, request: request.right.kind, reply: outcome.message.kind, ms: performance.now() - t0 });
      socket.write(frame(encode(message(spec), outcome.message)));
    }
  });
  socket.on('end', () => end('the fuzzer closed the connection'));
  socket.on('error', (e) => end(`socket error: ${e.message}`));
};

/** Starts the target on a Unix socket path (removing a stale socket file first); resolves once listening. */
export const startTarget = (path: string, options: TargetOptions): Promise<Server> =>
  new Promise((resolve, reject) => {
    if (existsSync(path)) unlinkSync(path);
    let connections = 0;
    const server = createServer((socket) => serveConnection(socket, ++connections, options));
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
