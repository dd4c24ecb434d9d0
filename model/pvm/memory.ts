/**
 * PVM RAM (the paper's mu: value and per-page access, Z_P = 4096) and the memory-access
 * exception of A.7-A.8. Page data is allocated on first write; an accessible page never
 * written reads as zeroes.
 */

/** Z_P: the PVM page size. */
export const PAGE_SIZE = 4096;
const PAGE_COUNT = 2 ** 32 / PAGE_SIZE;
const TWO_32 = 2 ** 32;

/** @gp A.40 -- P(x): x rounded up to whole pages. */
export const P = (x: number): number => PAGE_SIZE * Math.ceil(x / PAGE_SIZE);

/** Page access: none, read-only (R) or writable (W, which is also readable). */
export const Access = { None: 0, Read: 1, Write: 2 } as const;
export type Access = (typeof Access)[keyof typeof Access];

/** No inaccessible index: the access check passed. */
export const ACCESSIBLE = -1;

export class Memory {
  /** The access of each of the 2^20 pages, in chunks of 1024 pages allocated when first set. */
  private readonly access: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(PAGE_COUNT / 1024);

  /** The access of a page (< 2^20). */
  accessOf(page: number): number {
    return this.access[page >>> 10]?.[page & 1023] ?? Access.None;
  }
  private readonly data = new Map<number, Uint8Array>();

  setAccess(address: number, length: number, access: Access): void {
    const end = Math.ceil((address + length) / PAGE_SIZE);
    for (let page = Math.floor(address / PAGE_SIZE); page < end && page < PAGE_COUNT; page++)
      (this.access[page >>> 10] ??= new Uint8Array(1024))[page & 1023] = access;
  }

  /**
   * @gp A.7 -- the lowest index x of [a, a + n) (a < 2^32, indices taken mod 2^32 for the access
   * test) that lacks the `need`ed access, or ACCESSIBLE. The caller maps it to panic (below 2^16)
   * or a fault at its page (A.8).
   */
  firstInaccessible(a: number, n: number, need: Access): number {
    // Fast path: the whole range lies in one page.
    if ((a % PAGE_SIZE) + n <= PAGE_SIZE) return this.accessOf(a >>> 12) >= need ? ACCESSIBLE : a;
    for (let x = a; x < a + n; ) {
      const page = Math.floor((x % TWO_32) / PAGE_SIZE);
      if (this.accessOf(page) < need) return x;
      x = (page + 1) * PAGE_SIZE + (x >= TWO_32 ? TWO_32 : 0);
    }
    return ACCESSIBLE;
  }

  /** The octet at a mod 2^32 (zero where nothing was written). */
  byte(a: number): number {
    const i = a % TWO_32;
    return this.data.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE] ?? 0;
  }

  setByte(a: number, v: number): void {
    const i = a % TWO_32;
    this.pageData(Math.floor(i / PAGE_SIZE))[i % PAGE_SIZE] = v;
  }

  /** The octets of a page, allocated (zeroed) on first use. */
  private pageData(page: number): Uint8Array {
    let d = this.data.get(page);
    if (d === undefined) {
      d = new Uint8Array(PAGE_SIZE);
      this.data.set(page, d);
    }
    return d;
  }

  /** E_n^-1 of mu[a .. a + n) (little-endian, n <= 4), unchecked. */
  loadSmall(a: number, n: number): number {
    const offset = a % PAGE_SIZE;
    if (offset + n <= PAGE_SIZE) {
      const d = this.data.get(a >>> 12);
      if (d === undefined) return 0;
      let v = 0;
      for (let i = n - 1; i >= 0; i--) v = v * 256 + d[offset + i]!;
      return v;
    }
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + this.byte(a + i);
    return v;
  }

  /** E_8^-1 of mu[a .. a + 8), unchecked. */
  load64(a: number): bigint {
    return (BigInt(this.loadSmall(a + 4, 4)) << 32n) | BigInt(this.loadSmall(a, 4));
  }

  /** mu[a .. a + n) = E_n(v mod 2^(8n)) for n <= 4, unchecked. */
  storeSmall(a: number, n: number, v: number): void {
    const offset = a % PAGE_SIZE;
    if (offset + n <= PAGE_SIZE) {
      const d = this.pageData(a >>> 12);
      for (let i = 0; i < n; i++) {
        d[offset + i] = v & 0xff;
        v >>>= 8;
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      this.setByte(a + i, v & 0xff);
      v >>>= 8;
    }
  }

  /** mu[a .. a + 8) = E_8(v), unchecked. */
  store64(a: number, v: bigint): void {
    this.storeSmall(a, 4, Number(v & 0xffffffffn));
    this.storeSmall(a + 4, 4, Number((v >> 32n) & 0xffffffffn));
  }

  read(a: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.byte(a + i);
    return out;
  }

  write(a: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.setByte(a + i, bytes[i] ?? 0);
  }
}
