//! JavaScript binding of jam-crypto's H (Blake2b-256, section 3.8.1).

use jam_crypto::blake2b::{blake2b256, HASH_LEN};
use napi::bindgen_prelude::Uint8Array;
use napi::{Error, Result, Status};
use napi_derive::napi;

/**
 * Writes H(data), the 32-octet Blake2b hash, into `out` (32 octets). The caller allocates `out`:
 * a JavaScript allocation is cheaper than an external buffer made here, and H is called often.
 */
#[napi(js_name = "blake2b256Into")]
pub fn blake2b256_into(data: Uint8Array, mut out: Uint8Array) -> Result<()> {
    if out.len() != HASH_LEN {
        return Err(Error::new(Status::InvalidArg, format!("out: expected {HASH_LEN} octets, got {}", out.len())));
    }
    // SAFETY: `out` is a live typed array owned by the caller for the duration of this call, and
    // nothing else reads or writes it meanwhile (JavaScript is blocked on this call).
    unsafe { out.as_mut() }.copy_from_slice(&blake2b256(&data));
    Ok(())
}
