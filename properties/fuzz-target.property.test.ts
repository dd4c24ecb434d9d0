/**
 * The fuzz-v1 target under hostile input (fuzz-proto/README.md, General Rules: a malformed or
 * unexpected message ends the session; the target stays up). Over a real Unix socket, each case
 * sends one of: random octets; random payloads in well-formed frames; a recorded request cut
 * short; a frame claiming an oversize length; recorded messages in an order the protocol does
 * not allow (anything before PeerInfo, ImportBlock before Initialize, a second PeerInfo, a
 * target-only message such as StateRoot or Error). Properties:
 * - the server never crashes and a fresh connection always completes the PeerInfo handshake
 *   within the time limit (no hang);
 * - every out-of-order message and every oversize length closes the connection, without an
 *   `Error` message (the connection yields no frame);
 * - a malformed well-framed payload (one that does not decode) closes the connection.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:net';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tiny } from '../spec/chain-spec.js';
import { decode, encode } from '../spec/codec.js';
import { connectClient, type Client } from '../fuzz/client.js';
import { frame, message, type Message } from '../fuzz/messages.js';
import { startTarget } from '../fuzz/server.js';
import { nativeEngines, vectorsDir } from '../chain/index.js';

const numRuns = 200;
const replyTimeoutMs = 5_000;

let dir: string;
let path: string;
let server: Server;
const recorded = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(join(vectorsDir('fuzz-proto', 'examples', '0.7.2', 'forks'), name)));
let peerInfo: Uint8Array;
let initialize: Uint8Array;
let importBlock: Uint8Array;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jam-fuzz-prop-'));
  path = join(dir, 'target.sock');
  server = await startTarget(path, { spec: tiny, engines: nativeEngines, appVersion: { major: 0, minor: 1, patch: 0 }, maxBuffered: 1 << 20 });
  peerInfo = recorded('00000000_fuzzer_peer_info.bin');
  initialize = recorded('00000001_fuzzer_initialize.bin');
  importBlock = recorded('00000003_fuzzer_import_block.bin');
});

afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
  rmSync(dir, { recursive: true, force: true });
});

const isDecodable = (payload: Uint8Array): boolean => E.isRight(decode(message(tiny), payload));

/** A fresh connection completes the handshake: the server is up and answering. */
const handshakeWorks = async (): Promise<boolean> => {
  const c = await connectClient(path);
  const got = await c.request(peerInfo, replyTimeoutMs);
  c.close();
  if (typeof got === 'string') return false;
  const m = decode(message(tiny), got);
  return E.isRight(m) && m.right.kind === 'peerInfo';
};

const targetOnly: ReadonlyArray<Message> = [
  { kind: 'stateRoot', value: new Uint8Array(32) as never },
  { kind: 'error', value: 'not from a fuzzer' },
  { kind: 'state', value: [] },
];

type Attack =
  | { readonly kind: 'raw'; readonly octets: Uint8Array }
  | { readonly kind: 'framed'; readonly payload: Uint8Array }
  | { readonly kind: 'truncated'; readonly which: number; readonly cut: number }
  | { readonly kind: 'oversize'; readonly length: number }
  | { readonly kind: 'outOfOrder'; readonly order: number };

const attack: fc.Arbitrary<Attack> = fc.oneof(
  fc.record({ kind: fc.constant('raw' as const), octets: fc.uint8Array({ minLength: 1, maxLength: 512 }) }),
  fc.record({ kind: fc.constant('framed' as const), payload: fc.uint8Array({ minLength: 0, maxLength: 512 }) }),
  fc.record({ kind: fc.constant('truncated' as const), which: fc.nat(2), cut: fc.double({ min: 0, max: 0.999, noNaN: true }) }),
  fc.record({ kind: fc.constant('oversize' as const), length: fc.integer({ min: (1 << 20) + 1, max: 2 ** 32 - 1 }) }),
  fc.record({ kind: fc.constant('outOfOrder' as const), order: fc.nat(6) }),
);

/** The frames of an out-of-order sequence; the last one is the offending message. */
const outOfOrder = (order: number): ReadonlyArray<Uint8Array> => {
  switch (order) {
    case 0:
      return [initialize];
    case 1:
      return [importBlock];
    case 2:
      return [peerInfo, importBlock];
    case 3:
      return [peerInfo, peerInfo];
    default:
      return [peerInfo, encode(message(tiny), targetOnly[order - 4]!)];
  }
};

/** Sends one attack on a connection and checks what the protocol requires of the target. */
const send = async (c: Client, a: Attack): Promise<void> => {
  if (a.kind === 'raw') c.writeRaw(a.octets);
  else if (a.kind === 'framed') {
    c.writeRaw(frame(a.payload));
    // A payload that does not decode ends the session; one that does (rare) is a request.
    if (!isDecodable(a.payload)) expect(await c.closed(replyTimeoutMs)).toBe('closed');
  } else if (a.kind === 'truncated') {
    const whole = frame([peerInfo, initialize, importBlock][a.which]!);
    c.writeRaw(whole.subarray(0, Math.floor(a.cut * whole.length)));
  } else if (a.kind === 'oversize') {
    const head = new Uint8Array(4);
    new DataView(head.buffer).setUint32(0, a.length, true);
    c.writeRaw(head);
    expect(await c.closed(replyTimeoutMs)).toBe('closed');
  } else {
    const frames = outOfOrder(a.order);
    for (const f of frames.slice(0, -1)) expect(typeof (await c.request(f, 60_000))).not.toBe('string');
    // The offending message: no reply frame at all, the connection closes.
    expect(await c.request(frames[frames.length - 1]!, replyTimeoutMs)).toBe('closed');
  }
};

describe('fuzz-v1 target under hostile input', () => {
  it(`never crashes or hangs, closes on what the protocol forbids (${numRuns} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(attack, async (a) => {
        const c = await connectClient(path);
        try {
          await send(c, a);
        } finally {
          c.close();
        }
        expect(await handshakeWorks()).toBe(true);
      }),
      { numRuns },
    );
  });
});
