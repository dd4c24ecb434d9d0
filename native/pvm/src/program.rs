//! The program blob: deblob, skip, basic blocks, and the one-time decoding of every instruction
//! into a compact stream the interpreter runs without looking at the octets again.

use crate::opcodes::{is_terminator, op, Group, GROUP_OF};

/// Why a program blob does not decode (the machine's panic, A.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobError {
    pub offset: usize,
    pub what: &'static str,
}

impl std::fmt::Display for BlobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at offset {}", self.what, self.offset)
    }
}

/// The largest code length this engine decodes (program counters and instruction indices are u32).
pub const MAX_CODE_LEN: usize = (u32::MAX as usize) / 2;

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn fail<T>(&self, what: &'static str) -> Result<T, BlobError> {
        Err(BlobError { offset: self.at, what })
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&[u8], BlobError> {
        if self.bytes.len() - self.at < n {
            return self.fail(what);
        }
        let s = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(s)
    }

    /// @gp C.5 -- the general natural serialization, decoded; only the canonical encoding is accepted.
    fn natural(&mut self, what: &'static str) -> Result<u64, BlobError> {
        let first = self.take(1, what)?[0];
        let l = first.leading_ones() as usize;
        if l == 8 {
            let x = le(self.take(8, what)?);
            return if x >= 1 << 56 { Ok(x) } else { self.fail("non-canonical natural") };
        }
        let rest = le(self.take(l, what)?);
        let high = u64::from(first) & ((1u64 << (7 - l)) - 1);
        let x = (high << (8 * l)) | rest;
        if l > 0 && x < 1 << (7 * l) {
            return self.fail("non-canonical natural");
        }
        Ok(x)
    }
}

/// Little-endian decoding of up to eight octets (E_l^{-1}).
#[inline]
fn le(bytes: &[u8]) -> u64 {
    bytes.iter().rev().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

/// The decoded blob (c, k, j) of A.2.
pub struct Deblobbed {
    pub code: Vec<u8>,
    /// k, one bool per octet of c.
    pub bitmask: Vec<bool>,
    /// j. Empty when z = 0: then every one of the |j| entries is E_0^{-1} = 0, and the table is
    /// not materialised (a blob of a few octets may declare |j| = 2^63).
    pub jump_table: Vec<u64>,
    /// |j|.
    pub jump_len: u64,
}

/// @gp A.2 -- deblob: p = E(|j|) ++ E_1(z) ++ E(|c|) ++ E_z(j) ++ E(c) ++ E(k), |k| = |c|.
pub fn deblob(p: &[u8]) -> Result<Deblobbed, BlobError> {
    let mut r = Reader { bytes: p, at: 0 };
    let j_len = r.natural("truncated jump-table length")?;
    let z = r.take(1, "truncated jump-table entry size")?[0] as usize;
    let c_len = r.natural("truncated code length")?;
    let remaining = (p.len() - r.at) as u64;
    if j_len.checked_mul(z as u64).is_none_or(|n| n > remaining) {
        return r.fail("jump table longer than the blob");
    }
    let entries = if z == 0 { 0 } else { j_len };
    let mut jump_table = Vec::with_capacity(entries as usize);
    for _ in 0..entries {
        let at = r.at;
        let e = r.take(z, "truncated jump table")?;
        let (low, high) = e.split_at(z.min(8));
        // j is a sequence of N_R (A.2): an entry of 2^64 or more is no element of j, so no
        // (c, k, j) encodes to p and deblob fails, as Psi then panics with its gas untouched (A.1).
        if high.iter().any(|&b| b != 0) {
            return Err(BlobError { offset: at, what: "jump-table entry not below 2^64" });
        }
        jump_table.push(le(low));
    }
    if c_len > (p.len() - r.at) as u64 || c_len as usize > MAX_CODE_LEN {
        return r.fail("code longer than the blob");
    }
    let c_len = c_len as usize;
    let code = r.take(c_len, "truncated code")?.to_vec();
    let k_octets = r.take(c_len.div_ceil(8), "truncated opcode bitmask")?;
    let mut bitmask = Vec::with_capacity(c_len);
    for i in 0..c_len {
        bitmask.push(k_octets[i / 8] >> (i % 8) & 1 == 1);
    }
    // @gp C.9 -- the bitmask is a bit sequence packed least significant first; padding bits are zero.
    if !c_len.is_multiple_of(8) && k_octets[c_len / 8] >> (c_len % 8) != 0 {
        return Err(BlobError { offset: r.at - 1, what: "non-zero bitmask padding" });
    }
    if r.at != p.len() {
        return r.fail("trailing octets after the bitmask");
    }
    Ok(Deblobbed { code, bitmask, jump_table, jump_len: j_len })
}

/// @gp A.3 -- skip(i): octets minus one to the next opcode, at most 24, with k extended by ones.
pub fn skip(bitmask: &[bool], i: usize) -> usize {
    (0..24).find(|&j| bitmask.get(i + 1 + j).copied().unwrap_or(true)).unwrap_or(24)
}

/// One decoded instruction. Register fields are indices into omega; immediates are already
/// sign-extended to 64 bits; branch targets are resolved to instruction indices.
#[derive(Clone, Copy, Debug)]
pub struct Instr {
    /// opcode(pc) of A.19 (0 for an octet that is not a valid opcode).
    pub op: u8,
    pub a: u8,
    pub b: u8,
    pub d: u8,
    /// nu_X (for offsets: unused, see `target`).
    pub x: u64,
    /// nu_Y.
    pub y: u64,
    /// Index of the branch target in the stream, or PANIC_TARGET when it is not in varpi.
    /// (The instruction at pc + 1 + skip(pc) is always the next in the stream: see `Program::new`.)
    pub target: u32,
    /// imath of this instruction.
    pub pc: u32,
    /// The gas of this instruction and of those after it up to its basic block's terminator
    /// (A.5), charged on entering the block under the reading `pvm-gas = per-basic-block`.
    pub block_gas: u32,
}

/// A branch target outside varpi.
pub const PANIC_TARGET: u32 = u32::MAX;

/// The program decoded once: instructions indexed by stream position, and pc -> position.
/// The stream is in pc order, so the instruction after position p in the sense of A.4 (at
/// pc + 1 + skip(pc)) is at position p + 1.
pub struct Program {
    pub instrs: Vec<Instr>,
    /// Stream position of each octet of c that starts an instruction (k = 1), else u32::MAX.
    pub at: Vec<u32>,
    /// Stream position of each jump-table entry's target, or PANIC_TARGET if not in varpi
    /// (empty when z = 0, see `zero_entry`).
    pub jump_table: Vec<u32>,
    /// |j|.
    pub jump_len: u64,
    /// The target of every entry when z = 0 (all entries are 0).
    pub zero_entry: u32,
    /// The gas its interpreted runs have used, until it is recompiled.
    pub(crate) interpreted: std::sync::atomic::AtomicU64,
    /// The program recompiled (x86-64), once its interpreted runs have used enough gas.
    #[cfg(target_arch = "x86_64")]
    pub(crate) recompiled: std::sync::OnceLock<Option<crate::recompiler::Compiled>>,
}

fn trap_at(pc: u32) -> Instr {
    Instr { op: op::TRAP, a: 0, b: 0, d: 0, x: 0, y: 0, target: PANIC_TARGET, pc, block_gas: 1 }
}

/// @gp A.4 -- zeta: c followed by zeroes.
#[inline]
fn zeta(c: &[u8], i: usize) -> u8 {
    c.get(i).copied().unwrap_or(0)
}

/// l octets of zeta from i, little-endian.
fn zeta_le(c: &[u8], i: usize, l: usize) -> u64 {
    (0..l).rev().fold(0u64, |acc, n| (acc << 8) | u64::from(zeta(c, i + n)))
}

/// @gp A.16 -- X_n: sign extension of an n-octet value to 64 bits.
pub fn sext(n: usize, x: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let shift = 64 - 8 * n as u32;
    (((x << shift) as i64) >> shift) as u64
}

/// @gp A.10 -- Z_n: the signed value of an n-octet natural (as i64).
fn signed(n: usize, x: u64) -> i64 {
    sext(n, x) as i64
}

fn reg(nibble: u8) -> u8 {
    nibble.min(12)
}

impl Program {
    /// Deblobs p (A.2) and decodes it.
    pub fn from_blob(p: &[u8]) -> Result<Program, BlobError> {
        Ok(Program::new(deblob(p)?))
    }

    /// Decodes every instruction of a deblobbed program once (A.3 to A.32).
    pub fn new(d: Deblobbed) -> Program {
        let Deblobbed { code: c, bitmask: k, jump_table: j, jump_len } = d;
        let n = c.len();
        // @gp A.19 -- opcode(n): c_n when k_n = 1 and c_n in U, else 0.
        let opcode = |i: usize| if k[i] && GROUP_OF[c[i] as usize].is_some() { c[i] } else { op::TRAP };
        // @gp A.5 -- varpi: 0 and the successors of terminators, restricted to valid opcode starts.
        let mut varpi = vec![false; n];
        let mut starts = 0usize;
        for i in 0..n {
            if !k[i] {
                continue;
            }
            starts += 1;
            if is_terminator(c[i]) {
                let s = i + 1 + skip(&k, i);
                if s < n {
                    varpi[s] = true;
                }
            }
        }
        if n > 0 {
            varpi[0] = true;
        }
        for i in 0..n {
            varpi[i] = varpi[i] && k[i] && GROUP_OF[c[i] as usize].is_some();
        }

        // Fall-through destinations that are not instruction starts (past the end, or after 24
        // octets without an opcode bit) are traps at that pc (A.4, A.19).
        let mut trap_at_destination = vec![false; n + 1];
        for i in 0..n {
            if k[i] {
                let s = i + 1 + skip(&k, i);
                if s >= n || !k[s] {
                    trap_at_destination[s.min(n)] = true;
                }
            }
        }
        // Speed: the stream holds the instruction starts and those traps in pc order. No entry
        // lies between an instruction and its fall-through destination (skip finds the first
        // start after it, and such a trap follows only its own instruction), so the destination
        // is always the next entry: the interpreter steps to ip + 1 instead of loading a successor,
        // which would make every instruction's fetch wait for the previous one's.
        let mut at = vec![u32::MAX; n];
        let mut instrs = Vec::with_capacity(starts + 2);
        for (pc, &trap) in trap_at_destination.iter().enumerate() {
            if pc < n && k[pc] {
                at[pc] = instrs.len() as u32;
                instrs.push(trap_at(pc as u32));
            } else if trap {
                instrs.push(trap_at(pc as u32));
            }
        }
        let target_of = |b: i64| -> u32 {
            // @gp A.17 -- branch(b, C): a target outside varpi panics.
            if b >= 0 && (b as u64) < n as u64 && varpi[b as usize] {
                at[b as usize]
            } else {
                PANIC_TARGET
            }
        };
        for i in 0..n {
            if !k[i] {
                continue;
            }
            let l = skip(&k, i);
            let o = opcode(i);
            let mut ins = trap_at(i as u32);
            ins.op = o;
            let z1 = zeta(&c, i + 1);
            match GROUP_OF[o as usize].expect("opcode() is in U") {
                Group::NoArgs => {}
                Group::OneImm => {
                    let lx = l.min(4);
                    ins.x = sext(lx, zeta_le(&c, i + 1, lx));
                }
                Group::OneRegExtImm => {
                    ins.a = reg(z1 % 16);
                    ins.x = zeta_le(&c, i + 2, 8);
                }
                Group::TwoImm => {
                    let lx = (z1 as usize % 8).min(4);
                    let ly = l.saturating_sub(lx + 1).min(4);
                    ins.x = sext(lx, zeta_le(&c, i + 2, lx));
                    ins.y = sext(ly, zeta_le(&c, i + 2 + lx, ly));
                }
                Group::OneOffset => {
                    let lx = l.min(4);
                    ins.target = target_of(i as i64 + signed(lx, zeta_le(&c, i + 1, lx)));
                }
                Group::OneRegOneImm => {
                    let lx = l.saturating_sub(1).min(4);
                    ins.a = reg(z1 % 16);
                    ins.x = sext(lx, zeta_le(&c, i + 2, lx));
                }
                Group::OneRegTwoImm | Group::OneRegImmOffset => {
                    let lx = (z1 as usize / 16 % 8).min(4);
                    let ly = l.saturating_sub(lx + 1).min(4);
                    ins.a = reg(z1 % 16);
                    ins.x = sext(lx, zeta_le(&c, i + 2, lx));
                    let y = zeta_le(&c, i + 2 + lx, ly);
                    if GROUP_OF[o as usize] == Some(Group::OneRegImmOffset) {
                        ins.target = target_of(i as i64 + signed(ly, y));
                    } else {
                        ins.y = sext(ly, y);
                    }
                }
                Group::TwoReg => {
                    ins.d = reg(z1 % 16);
                    ins.a = reg(z1 / 16);
                }
                Group::TwoRegOneImm => {
                    let lx = l.saturating_sub(1).min(4);
                    ins.a = reg(z1 % 16);
                    ins.b = reg(z1 / 16);
                    ins.x = sext(lx, zeta_le(&c, i + 2, lx));
                }
                Group::TwoRegOneOffset => {
                    let lx = l.saturating_sub(1).min(4);
                    ins.a = reg(z1 % 16);
                    ins.b = reg(z1 / 16);
                    ins.target = target_of(i as i64 + signed(lx, zeta_le(&c, i + 2, lx)));
                }
                Group::TwoRegTwoImm => {
                    let lx = (zeta(&c, i + 2) as usize % 8).min(4);
                    let ly = l.saturating_sub(lx + 2).min(4);
                    ins.a = reg(z1 % 16);
                    ins.b = reg(z1 / 16);
                    ins.x = sext(lx, zeta_le(&c, i + 3, lx));
                    ins.y = sext(ly, zeta_le(&c, i + 3 + lx, ly));
                }
                Group::ThreeReg => {
                    ins.a = reg(z1 % 16);
                    ins.b = reg(z1 / 16);
                    ins.d = reg(zeta(&c, i + 2));
                }
            }
            instrs[at[i] as usize] = ins;
        }
        // Every row of 0.7.2 costs 1 gas (see `opcodes.rs`), so a block's gas from an instruction
        // on is its count of instructions; the next instruction is the next entry, and the traps
        // at destinations that are no instruction start end their blocks at 1.
        for i in (0..n).rev() {
            if k[i] {
                let p = at[i] as usize;
                instrs[p].block_gas = if is_terminator(instrs[p].op) { 1 } else { 1 + instrs[p + 1].block_gas };
            }
        }
        let resolve = |e: u64| if e < n as u64 && varpi[e as usize] { at[e as usize] } else { PANIC_TARGET };
        let jump_table = j.iter().map(|&e| resolve(e)).collect();
        let zero_entry = resolve(0);
        Program {
            instrs,
            at,
            jump_table,
            jump_len,
            zero_entry,
            interpreted: Default::default(),
            #[cfg(target_arch = "x86_64")]
            recompiled: Default::default(),
        }
    }

    /// Stream position of the instruction at pc, if pc starts one.
    pub fn position(&self, pc: u32) -> Option<u32> {
        self.at.get(pc as usize).copied().filter(|&p| p != u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naturals_decode_canonically() {
        let nat = |b: &[u8]| Reader { bytes: b, at: 0 }.natural("x");
        assert_eq!(nat(&[0]), Ok(0));
        assert_eq!(nat(&[127]), Ok(127));
        assert_eq!(nat(&[0x80, 0x80]), Ok(128));
        assert!(nat(&[0x80, 0x7f]).is_err());
        assert_eq!(nat(&[0xc0, 0x00, 0x40]), Ok(1 << 14));
        assert_eq!(nat(&[0xff, 0, 0, 0, 0, 0, 0, 0, 1]), Ok(1 << 56));
        assert!(nat(&[0xff, 0, 0, 0, 0, 0, 0, 0xff, 0]).is_err());
    }

    #[test]
    fn deblob_rejects_trailing_octets_and_padding() {
        assert!(deblob(&[0, 0, 1, 0, 1]).is_ok());
        assert!(deblob(&[0, 0, 1, 0, 1, 0]).is_err());
        assert!(deblob(&[0, 0, 1, 0, 3]).is_err());
        assert!(deblob(&[0, 0, 2, 0]).is_err());
        assert!(deblob(&[]).is_err());
        // z = 0: |j| = 2^63 entries of zero octets each, not materialised.
        let huge = deblob(&[0xff, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 1, 0, 1]).unwrap();
        assert_eq!((huge.jump_len, huge.jump_table.len()), (1 << 63, 0));
    }

    #[test]
    fn deblob_rejects_jump_table_entries_of_2_64_or_more() {
        // A.2: j is a sequence of N_R, so an entry of z > 8 octets with any octet above the eighth
        // set is no element of j, and no (c, k, j) encodes to the blob: deblob fails.
        // |j| = 1, z = 9, j_0 = 2^64, |c| = 1, c = [trap], k = [1].
        assert!(deblob(&[1, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]).is_err());
        // The same entry with its ninth octet zero is j_0 = 5.
        assert_eq!(deblob(&[1, 9, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]).unwrap().jump_table, vec![5]);
        // z = 255: only the top octet set.
        let mut p = vec![1, 0xff, 1];
        p.extend(std::iter::repeat_n(0, 254));
        p.extend([0x80, 0, 1]);
        assert!(deblob(&p).is_err());
        p[3 + 254] = 0;
        assert!(deblob(&p).is_ok());
    }

    #[test]
    fn skip_is_capped_at_24() {
        let k = [true, false, false, true];
        assert_eq!(skip(&k, 0), 2);
        assert_eq!(skip(&k, 3), 0);
        let mut long = vec![false; 40];
        long[0] = true;
        assert_eq!(skip(&long, 0), 24);
    }

    #[test]
    fn fall_through_destinations_follow_in_the_stream() {
        // fallthrough, 30 octets without an opcode bit, add_64 (3 octets), then the end of c:
        // the destinations are a trap at pc 25, the add at 31, and a trap at the end (34).
        let mut c = vec![0u8; 34];
        c[0] = op::FALLTHROUGH;
        c[31] = op::ADD_64;
        let mut k = vec![false; 34];
        k[0] = true;
        k[31] = true;
        let p = Program::new(Deblobbed { code: c, bitmask: k, jump_table: vec![], jump_len: 0 });
        let pcs: Vec<u32> = p.instrs.iter().map(|i| i.pc).collect();
        assert_eq!(pcs, vec![0, 25, 31, 34]);
        assert_eq!((p.position(0), p.position(31), p.position(25)), (Some(0), Some(2), None));
        assert_eq!((p.instrs[0].block_gas, p.instrs[2].block_gas), (1, 2));
    }

    #[test]
    fn sign_extension() {
        assert_eq!(sext(1, 0x80), 0xffff_ffff_ffff_ff80);
        assert_eq!(sext(1, 0x7f), 0x7f);
        assert_eq!(sext(4, 0x8000_0000), 0xffff_ffff_8000_0000);
        assert_eq!(sext(0, 0), 0);
        assert_eq!(sext(8, 0x8000_0000_0000_0000), 0x8000_0000_0000_0000);
    }
}
