/**
 * PVM RAM, the paper's mu (A.1): octets mu_value and a per-page access mu_access of W
 * (writable, also readable), R (readable) or none, with pages of Z_P = 4096 octets. Octets of a
 * page never written read as zero.
 */

/** Z_P: the PVM page size. */
export const PAGE_SIZE = 4096;
const TWO_32 = 2 ** 32;

/** @gp A.40 -- P(x): x rounded up to whole pages. */
export const P = (x: number): number => PAGE_SIZE * Math.ceil(x / PAGE_SIZE);

/** A page's access: W (writable and readable) or R (readable); an absent page has none. */
export type Access = 'W' | 'R';

export class Ram {
  /** mu_access, by page index; pages not in the map are inaccessible. */
  private readonly access = new Map<number, Access>();
  /** mu_value, by page index; pages not in the map hold zeroes. */
  private readonly value = new Map<number, Uint8Array>();

  /** Sets the access of every page that [address, address + length) touches. */
  setAccess(address: number, length: number, access: Access): void {
    for (let page = Math.floor(address / PAGE_SIZE); page * PAGE_SIZE < Math.min(address + length, TWO_32); page++)
      this.access.set(page, access);
  }

  /** i in readable(mu), for an index i < 2^32. */
  isReadable(i: number): boolean {
    return this.access.has(Math.floor(i / PAGE_SIZE));
  }

  /** i in writable(mu), for an index i < 2^32. */
  isWritable(i: number): boolean {
    return this.access.get(Math.floor(i / PAGE_SIZE)) === 'W';
  }

  /** mu_value at index i < 2^32. */
  octet(i: number): number {
    return this.value.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE] ?? 0;
  }

  /** mu'_value at index i < 2^32 = v (access is the caller's concern). */
  setOctet(i: number, v: number): void {
    const page = Math.floor(i / PAGE_SIZE);
    let octets = this.value.get(page);
    if (octets === undefined) this.value.set(page, (octets = new Uint8Array(PAGE_SIZE)));
    octets[i % PAGE_SIZE] = v;
  }
}
