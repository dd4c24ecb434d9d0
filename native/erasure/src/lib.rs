//! Reed-Solomon erasure coding over GF(2^16), Gray Paper 0.7.2 Appendix H: the fast twin of
//! `model/erasure` (the TypeScript reference), built on reed-solomon-simd 3.1.0.
//!
//! reed-solomon-simd computes the paper's code (same field, polynomial 0x1002D, Cantor basis)
//! with its low-rate layout: the n message words are the values at points 0..n-1 of a
//! polynomial of degree < c = 2^ceil(log2 n) that is zero at n..c-1, and code word i >= n is its
//! value at c + i - n (see `model/erasure/reed-solomon.ts`). The low-rate encoder is forced so
//! that every shape uses that layout, as the reference does.
//!
//! Byte layout: the paper's word is two consecutive little-endian octets; the crate reads each
//! 64-octet block of a shard as the 32 low octets then the 32 high octets of 32 words (a final
//! partial block of t octets as t/2 low then t/2 high). `to_crate_layout` and
//! `from_crate_layout` convert, 64 octets at a time.

use std::cell::RefCell;

use reed_solomon_simd::engine::DefaultEngine;
use reed_solomon_simd::rate::{LowRateDecoder, LowRateEncoder, RateDecoder, RateEncoder};

/// Why encoding or recovery was refused; the binding maps each to a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureError {
    /// The data is not `originals` shards of the same even, non-zero size.
    BadLength,
    /// The code shape is not supported (more than 2^16 points, or no recovery shards).
    BadShape,
    /// Fewer than `originals` distinct shards were given.
    TooFewPieces,
    /// A shard index is not below `total`, or appears twice.
    BadIndex,
}

impl ErasureError {
    pub fn code(self) -> &'static str {
        match self {
            ErasureError::BadLength => "inconsistent_sizes",
            ErasureError::BadShape => "bad_shape",
            ErasureError::TooFewPieces => "too_few_pieces",
            ErasureError::BadIndex => "bad_index",
        }
    }
}

/// Deinterleaves one block of `2h` octets (h little-endian words) into h low then h high octets.
#[inline(always)]
fn split_block(src: &[u8], dst: &mut [u8]) {
    let h = src.len() / 2;
    let (low, high) = dst.split_at_mut(h);
    for ((pair, l), hi) in src.chunks_exact(2).zip(low.iter_mut()).zip(high.iter_mut()) {
        *l = pair[0];
        *hi = pair[1];
    }
}

/// Interleaves one block of h low then h high octets back into h little-endian words.
#[inline(always)]
fn merge_block(src: &[u8], dst: &mut [u8]) {
    let h = src.len() / 2;
    let (low, high) = src.split_at(h);
    for ((pair, l), hi) in dst.chunks_exact_mut(2).zip(low.iter()).zip(high.iter()) {
        pair[0] = *l;
        pair[1] = *hi;
    }
}

/// `split_block` of one full 64-octet block with SSE2 (part of every x86_64 CPU): the low
/// octets of 32 words are packed from the words masked to 8 bits, the high ones from the words
/// shifted right by 8.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn split_block_64(src: &[u8], dst: &mut [u8]) {
    use std::arch::x86_64::*;
    assert!(src.len() == 64 && dst.len() == 64);
    // SAFETY: SSE2 is always present on x86_64; the unaligned loads and stores stay within the
    // two 64-octet slices checked above.
    unsafe {
        let s = src.as_ptr() as *const __m128i;
        let d = dst.as_mut_ptr() as *mut __m128i;
        let (a, b, c, e) = (
            _mm_loadu_si128(s),
            _mm_loadu_si128(s.add(1)),
            _mm_loadu_si128(s.add(2)),
            _mm_loadu_si128(s.add(3)),
        );
        let mask = _mm_set1_epi16(0x00ff);
        _mm_storeu_si128(d, _mm_packus_epi16(_mm_and_si128(a, mask), _mm_and_si128(b, mask)));
        _mm_storeu_si128(d.add(1), _mm_packus_epi16(_mm_and_si128(c, mask), _mm_and_si128(e, mask)));
        _mm_storeu_si128(d.add(2), _mm_packus_epi16(_mm_srli_epi16(a, 8), _mm_srli_epi16(b, 8)));
        _mm_storeu_si128(d.add(3), _mm_packus_epi16(_mm_srli_epi16(c, 8), _mm_srli_epi16(e, 8)));
    }
}

/// `merge_block` of one full 64-octet block with SSE2: low and high octets interleaved back.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn merge_block_64(src: &[u8], dst: &mut [u8]) {
    use std::arch::x86_64::*;
    assert!(src.len() == 64 && dst.len() == 64);
    // SAFETY: as in `split_block_64`.
    unsafe {
        let s = src.as_ptr() as *const __m128i;
        let d = dst.as_mut_ptr() as *mut __m128i;
        let (l0, l1, h0, h1) = (
            _mm_loadu_si128(s),
            _mm_loadu_si128(s.add(1)),
            _mm_loadu_si128(s.add(2)),
            _mm_loadu_si128(s.add(3)),
        );
        _mm_storeu_si128(d, _mm_unpacklo_epi8(l0, h0));
        _mm_storeu_si128(d.add(1), _mm_unpackhi_epi8(l0, h0));
        _mm_storeu_si128(d.add(2), _mm_unpacklo_epi8(l1, h1));
        _mm_storeu_si128(d.add(3), _mm_unpackhi_epi8(l1, h1));
    }
}

#[cfg(not(target_arch = "x86_64"))]
use {merge_block as merge_block_64, split_block as split_block_64};

/// A shard in the paper's layout (little-endian words) to the crate's block layout.
pub fn to_crate_layout(src: &[u8], dst: &mut [u8]) {
    debug_assert_eq!(src.len(), dst.len());
    let mut s = src.chunks_exact(64);
    let mut d = dst.chunks_exact_mut(64);
    for (sb, db) in (&mut s).zip(&mut d) {
        split_block_64(sb, db);
    }
    split_block(s.remainder(), d.into_remainder());
}

/// A shard in the crate's block layout back to the paper's layout.
pub fn from_crate_layout(src: &[u8], dst: &mut [u8]) {
    debug_assert_eq!(src.len(), dst.len());
    let mut s = src.chunks_exact(64);
    let mut d = dst.chunks_exact_mut(64);
    for (sb, db) in (&mut s).zip(&mut d) {
        merge_block_64(sb, db);
    }
    merge_block(s.remainder(), d.into_remainder());
}

thread_local! {
    static ENCODER: RefCell<Option<LowRateEncoder<DefaultEngine>>> = const { RefCell::new(None) };
    static DECODER: RefCell<Option<LowRateDecoder<DefaultEngine>>> = const { RefCell::new(None) };
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fn check_shape(originals: usize, total: usize, shard_bytes: usize) -> Result<usize, ErasureError> {
    if originals == 0 || total <= originals || !LowRateEncoder::<DefaultEngine>::supports(originals, total - originals) {
        return Err(ErasureError::BadShape);
    }
    if shard_bytes == 0 || !shard_bytes.is_multiple_of(2) {
        return Err(ErasureError::BadLength);
    }
    Ok(total - originals)
}

/// @gp H.4 -- encodes `data` (`originals` shards of 2k octets, the paper's `split_2k`) into
/// `total` chunks of 2k octets, returned concatenated; the first `originals` are the data.
pub fn encode(data: &[u8], originals: usize, total: usize) -> Result<Vec<u8>, ErasureError> {
    if originals == 0 || !data.len().is_multiple_of(originals) {
        return Err(ErasureError::BadLength);
    }
    let shard_bytes = data.len() / originals;
    let recovery = check_shape(originals, total, shard_bytes)?;
    let mut out = vec![0u8; total * shard_bytes];
    out[..data.len()].copy_from_slice(data);
    ENCODER.with_borrow_mut(|slot| {
        SCRATCH.with_borrow_mut(|scratch| {
            scratch.resize(shard_bytes, 0);
            let encoder = match slot {
                Some(e) => {
                    e.reset(originals, recovery, shard_bytes).map_err(|_| ErasureError::BadShape)?;
                    e
                }
                None => slot.insert(
                    LowRateEncoder::new(originals, recovery, shard_bytes, DefaultEngine::new(), None)
                        .map_err(|_| ErasureError::BadShape)?,
                ),
            };
            for shard in data.chunks_exact(shard_bytes) {
                to_crate_layout(shard, scratch);
                encoder.add_original_shard(&scratch[..]).map_err(|_| ErasureError::BadLength)?;
            }
            let result = encoder.encode().map_err(|_| ErasureError::BadShape)?;
            for (src, dst) in result.recovery_iter().zip(out[data.len()..].chunks_exact_mut(shard_bytes)) {
                from_crate_layout(src, dst);
            }
            Ok(())
        })
    })?;
    Ok(out)
}

/// @gp H.5 -- recovers the data (`originals` shards concatenated) from at least `originals`
/// chunks of `shard_bytes` octets, `chunks` concatenated in the order of `indices`.
pub fn recover(
    chunks: &[u8],
    indices: &[u32],
    originals: usize,
    total: usize,
    shard_bytes: usize,
) -> Result<Vec<u8>, ErasureError> {
    let recovery = check_shape(originals, total, shard_bytes)?;
    if chunks.len() != indices.len() * shard_bytes {
        return Err(ErasureError::BadLength);
    }
    let mut seen = vec![false; total];
    for &i in indices {
        let i = i as usize;
        if i >= total || seen[i] {
            return Err(ErasureError::BadIndex);
        }
        seen[i] = true;
    }
    if indices.len() < originals {
        return Err(ErasureError::TooFewPieces);
    }
    let mut out = vec![0u8; originals * shard_bytes];
    let mut have = vec![false; originals];
    for (chunk, &i) in chunks.chunks_exact(shard_bytes).zip(indices) {
        let i = i as usize;
        if i < originals {
            out[i * shard_bytes..(i + 1) * shard_bytes].copy_from_slice(chunk);
            have[i] = true;
        }
    }
    if have.iter().all(|&h| h) {
        return Ok(out);
    }
    DECODER.with_borrow_mut(|slot| {
        SCRATCH.with_borrow_mut(|scratch| {
            scratch.resize(shard_bytes, 0);
            let decoder = match slot {
                Some(d) => {
                    d.reset(originals, recovery, shard_bytes).map_err(|_| ErasureError::BadShape)?;
                    d
                }
                None => slot.insert(
                    LowRateDecoder::new(originals, recovery, shard_bytes, DefaultEngine::new(), None)
                        .map_err(|_| ErasureError::BadShape)?,
                ),
            };
            for (chunk, &i) in chunks.chunks_exact(shard_bytes).zip(indices) {
                let i = i as usize;
                to_crate_layout(chunk, scratch);
                if i < originals {
                    decoder.add_original_shard(i, &scratch[..])
                } else {
                    decoder.add_recovery_shard(i - originals, &scratch[..])
                }
                .map_err(|_| ErasureError::BadIndex)?;
            }
            let result = decoder.decode().map_err(|_| ErasureError::TooFewPieces)?;
            for (i, src) in result.restored_original_iter() {
                from_crate_layout(src, &mut out[i * shard_bytes..(i + 1) * shard_bytes]);
            }
            Ok(())
        })
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudo_random(len: usize, seed: u32) -> Vec<u8> {
        let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect()
    }

    #[test]
    fn layout_matches_the_scalar_conversion() {
        let src = pseudo_random(64 * 3 + 10, 3);
        let mut fast = vec![0; src.len()];
        let mut slow = vec![0; src.len()];
        to_crate_layout(&src, &mut fast);
        for (s, d) in src.chunks(64).zip(slow.chunks_mut(64)) {
            split_block(s, d);
        }
        assert_eq!(fast, slow);
        // word 0 of the first block: low octet first, high octet at 32
        assert_eq!((fast[0], fast[32], fast[1], fast[33]), (src[0], src[1], src[2], src[3]));
    }

    #[test]
    fn layout_roundtrip() {
        for len in [2usize, 10, 64, 66, 128, 200, 4104] {
            let src = pseudo_random(len, len as u32);
            let mut mid = vec![0; len];
            let mut back = vec![0; len];
            to_crate_layout(&src, &mut mid);
            from_crate_layout(&mid, &mut back);
            assert_eq!(src, back, "len {len}");
        }
    }

    #[test]
    fn recover_from_last_chunks_full_shape() {
        let (n, total) = (342, 1023);
        for k in [1usize, 6, 33] {
            let data = pseudo_random(n * 2 * k, k as u32);
            let chunks = encode(&data, n, total).unwrap();
            assert_eq!(&chunks[..data.len()], &data[..]);
            let indices: Vec<u32> = ((total - n) as u32..total as u32).collect();
            let given = &chunks[(total - n) * 2 * k..];
            assert_eq!(recover(given, &indices, n, total, 2 * k).unwrap(), data);
        }
    }

    #[test]
    fn rejects_too_few_and_duplicates() {
        let data = pseudo_random(2 * 4, 7);
        let chunks = encode(&data, 2, 6).unwrap();
        assert_eq!(recover(&chunks[..4], &[0], 2, 6, 4), Err(ErasureError::TooFewPieces));
        assert_eq!(recover(&chunks[..8], &[3, 3], 2, 6, 4), Err(ErasureError::BadIndex));
    }
}
