/**
 * The fuzz target's resource limits. The protocol bounds no message, so a client could make the
 * target buffer any amount; these caps keep a misbehaving or stalled fuzzer from taking the
 * machine's memory while leaving far more room than a real session uses.
 */

export interface Limits {
  /**
   * Octets of incoming, not yet complete frames that all connections together may hold; a frame
   * is admitted only if its declared length fits in what is left, so this is also the longest
   * message accepted.
   */
  readonly maxBuffered: number;
  /** A connection with no octet read or written for this long (ms) is closed. */
  readonly idleTimeoutMs: number;
}

/**
 * 64 MiB: over 400 times the largest message of the recorded 0.7.2 sessions (an ImportBlock of
 * 159,257 octets; their Initialize is 153,451), with room for full-config states and blocks.
 * 60 s: far longer than a fuzzer takes to author its next block, short enough that stalled
 * connections give their share of the buffer back within a minute.
 */
export const defaultLimits: Limits = { maxBuffered: 64 * 1024 * 1024, idleTimeoutMs: 60_000 };

/**
 * The buffer octets shared by a server's connections. A connection reserves a frame's declared
 * length when the frame's length prefix arrives and releases it once the frame is answered (or
 * the connection closes), so incomplete frames never hold more than the cap, whatever the clients
 * send. Beyond it, a connection holds only what its socket read ahead of the current frame: the
 * rest of one read (64 KiB at most) and the stream's read-ahead buffer, as the socket is not read
 * further while a reply waits.
 */
export interface BufferBudget {
  /** Reserves `length` octets for one frame; gives the reason it cannot, for the log. */
  readonly reserve: (length: number) => string | undefined;
  readonly release: (length: number) => void;
  /** The octets reserved now, across connections. */
  readonly held: () => number;
}

export const bufferBudget = (cap: number): BufferBudget => {
  let held = 0;
  return {
    reserve: (length) => {
      if (length > cap) return `frame length ${length} exceeds the buffer cap of ${cap} octets`;
      if (held + length > cap)
        return `frame length ${length} exceeds the ${cap - held} octets that may be buffered now (cap ${cap}, ${held} held by other connections)`;
      held += length;
      return undefined;
    },
    release: (length) => {
      held -= length;
    },
    held: () => held,
  };
};
