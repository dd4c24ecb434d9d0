/**
 * A minimal fuzz-v1 client: connects to a target's Unix socket, sends framed requests and reads
 * framed replies. Used to replay recorded sessions against the target and by its properties.
 */
import { connect, type Socket } from 'node:net';
import { concatBytes } from '../spec/bytes.js';
import { deframe, frame } from './messages.js';

export interface Client {
  /** Sends one frame (the payload is framed here) and waits for one reply frame; `closed` if the target closed. */
  readonly request: (payload: Uint8Array, timeoutMs?: number) => Promise<Uint8Array | 'closed' | 'timeout'>;
  /** Writes raw octets, unframed (for malformed input). */
  readonly writeRaw: (octets: Uint8Array) => void;
  /** Resolves when the target has closed the connection, or with `timeout`. */
  readonly closed: (timeoutMs: number) => Promise<'closed' | 'timeout'>;
  readonly close: () => void;
}

export const connectClient = (path: string): Promise<Client> =>
  new Promise((resolve, reject) => {
    const socket: Socket = connect(path);
    let buffer: Uint8Array = new Uint8Array(0);
    let isClosed = false;
    const waiters: Array<() => void> = [];
    const wake = (): void => {
      for (const w of waiters.splice(0)) w();
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = concatBytes(buffer, chunk);
      wake();
    });
    socket.on('close', () => {
      isClosed = true;
      wake();
    });
    socket.on('error', () => {
      isClosed = true;
      wake();
    });
    /** Waits until `ready()` holds, the connection closes, or the time runs out. */
    const until = (ready: () => boolean, timeoutMs: number): Promise<boolean> =>
      new Promise((done) => {
        const timer = setTimeout(() => done(false), timeoutMs);
        const check = (): void => {
          if (ready() || isClosed) {
            clearTimeout(timer);
            done(true);
          } else waiters.push(check);
        };
        check();
      });
    const nextFrame = (): Uint8Array | undefined => {
      const cut = deframe(buffer, 2 ** 32 - 1);
      if (cut.kind !== 'frames' || cut.frames.length === 0) return undefined;
      const first = cut.frames[0]!.slice();
      buffer = buffer.slice(4 + first.length);
      return first;
    };
    const client: Client = {
      request: async (payload, timeoutMs = 60_000) => {
        socket.write(frame(payload));
        let got: Uint8Array | undefined;
        const settled = await until(() => (got = nextFrame()) !== undefined, timeoutMs);
        if (got !== undefined) return got;
        return settled ? 'closed' : 'timeout';
      },
      writeRaw: (octets) => {
        socket.write(octets);
      },
      closed: async (timeoutMs) => ((await until(() => isClosed, timeoutMs)) ? 'closed' : 'timeout'),
      close: () => {
        socket.destroy();
      },
    };
    socket.once('connect', () => resolve(client));
    socket.once('error', reject);
  });
