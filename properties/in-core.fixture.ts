/**
 * A small service for the in-core tests and properties (not used by the model): an authorizer
 * that halts at once (its trace is its argument E_2(c)), a refiner that exports its argument blob
 * and halts, and a trap; all three preimages available since slot 0 in service S.
 */
import type { Hash } from '../spec/bytes.js';
import type { ServiceAccount, WorkItem, WorkPackage } from '../spec/types.js';
import { blake2b256 } from '../model/crypto/index.js';
import type { InCoreData } from '../model/in-core/work-report.js';
import { account as emptyAccount, withProvided } from './host-calls/fixture.js';
import { servicePreimageWith } from '../fuzz/author/packages.js';

export const servicePreimage = (...instructions: ReadonlyArray<ReadonlyArray<number>>): Uint8Array =>
  servicePreimageWith(new Uint8Array(0), new Uint8Array(0), ...instructions);
/** jump_ind omega_0: omega_0 is the halt address after Y (A.43). */
export const HALT = [50, 0];
/** ecalli 7: export mu_{omega_7..+omega_8}, the argument blob at entry (A.43). */
export const EXPORT = [10, 7];

export const authPreimage = servicePreimage(HALT);
export const refinePreimage = servicePreimage(EXPORT, HALT);
export const trapPreimage = servicePreimage([0]);
export const S = 3;

export const account = (preimages: ReadonlyArray<Uint8Array>, since = 0): ServiceAccount =>
  preimages.reduce((a, p) => withProvided(a, p, [since]), emptyAccount({ codeHash: blake2b256(refinePreimage), balance: 0n }));
export const delta = new Map([[S, account([authPreimage, refinePreimage, trapPreimage])]]);

export const item = (fields: Partial<WorkItem> = {}): WorkItem => ({
  serviceIndex: S,
  codeHash: blake2b256(refinePreimage),
  refGasLimit: 10_000n,
  accGasLimit: 1000n,
  exportCount: 1,
  payload: Uint8Array.of(0xaa, 0xbb),
  importSegments: [],
  extrinsics: [],
  ...fields,
});
export const pkg = (items: ReadonlyArray<WorkItem> = [item()], fields: Partial<WorkPackage> = {}): WorkPackage => ({
  authCodeHost: S,
  authCodeHash: blake2b256(authPreimage),
  context: {
    anchorHash: new Uint8Array(32).fill(1) as Hash,
    anchorPostState: new Uint8Array(32).fill(2) as Hash,
    anchorAccOutLog: new Uint8Array(32).fill(3) as Hash,
    lookupAnchorHash: new Uint8Array(32).fill(4) as Hash,
    lookupAnchorTime: 10,
    prerequisites: [],
  },
  authToken: Uint8Array.of(1),
  authConfig: Uint8Array.of(2),
  workItems: items,
  ...fields,
});
export const noData: InCoreData = { segments: new Map(), packages: [], extrinsics: new Map() };
