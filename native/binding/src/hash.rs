//! JavaScript binding of jam-crypto's hashes: H (Blake2b-256) and H_K (Keccak-256), section 3.8.1.

use jam_crypto::blake2b::{blake2b256, HASH_LEN};
use jam_crypto::keccak::keccak256;
use napi::bindgen_prelude::Uint8Array;
use napi::{Error, Result, Status};
use napi_derive::napi;

/// Writes a hash into the caller's 32-octet `out`.
fn into(mut out: Uint8Array, hash: impl FnOnce() -> [u8; HASH_LEN]) -> Result<()> {
    if out.len() != HASH_LEN {
        return Err(Error::new(Status::InvalidArg, format!("out: expected {HASH_LEN} octets, got {}", out.len())));
    }
    // SAFETY: `out` is a live typed array owned by the caller for the duration of this call, and
    // nothing else reads or writes it meanwhile (JavaScript is blocked on this call).
    unsafe { out.as_mut() }.copy_from_slice(&hash());
    Ok(())
}

/**
 * Writes H(data), the 32-octet Blake2b hash, into `out` (32 octets). The caller allocates `out`:
 * a JavaScript allocation is cheaper than an external buffer made here, and H is called often.
 */
#[napi(js_name = "blake2b256Into")]
pub fn blake2b256_into(data: Uint8Array, out: Uint8Array) -> Result<()> {
    into(out, || blake2b256(&data))
}

/** Writes H_K(data), the 32-octet Keccak-256 hash, into `out` (32 octets). */
#[napi(js_name = "keccak256Into")]
pub fn keccak256_into(data: Uint8Array, out: Uint8Array) -> Result<()> {
    into(out, || keccak256(&data))
}
