//! JavaScript bindings of jam-erasure (Reed-Solomon over GF(2^16), Gray Paper 0.7.2 Appendix H).
//! Inputs are validated by `model/erasure` before they get here; a refusal throws with the
//! error's stable code as the message.

use napi::bindgen_prelude::{Uint32Array, Uint8Array};
use napi::{Error, Result, Status};
use napi_derive::napi;

fn refused(e: jam_erasure::ErasureError) -> Error {
    Error::new(Status::InvalidArg, e.code())
}

/** H.4: `data` (`originals` shards of equal even size) to `total` chunks of that size, concatenated. */
#[napi]
pub fn erasure_encode(data: Uint8Array, originals: u32, total: u32) -> Result<Uint8Array> {
    jam_erasure::encode(&data, originals as usize, total as usize)
        .map(Uint8Array::new)
        .map_err(refused)
}

/** H.5: the data (`originals` shards, concatenated) from at least `originals` chunks of `shardBytes` octets, concatenated in the order of `indices`. */
#[napi]
pub fn erasure_recover(
    chunks: Uint8Array,
    indices: Uint32Array,
    originals: u32,
    total: u32,
    shard_bytes: u32,
) -> Result<Uint8Array> {
    jam_erasure::recover(&chunks, &indices, originals as usize, total as usize, shard_bytes as usize)
        .map(Uint8Array::new)
        .map_err(refused)
}
