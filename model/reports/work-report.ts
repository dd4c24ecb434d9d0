/**
 * The hash of a work report, H(E(w)): what guarantors sign (11.26), what verdicts judge (10.2)
 * and what the bad and wonky verdicts clear from the cores (10.15).
 */
import type { Hash } from '../../spec/bytes.js';
import { encode } from '../../spec/codec.js';
import { workReport } from '../../spec/codecs.js';
import type { WorkReport } from '../../spec/types.js';
import { blake2b256 } from '../crypto/index.js';

export const workReportHash = (w: WorkReport): Hash => blake2b256(encode(workReport, w));
