//! JavaScript bindings of jam-crypto's Ed25519 verification (section 3.8.2, ZIP-215 rules).
//!
//! A verdict is a boolean: an invalid key or signature is `false`, never an exception. Only a
//! wrong length (a caller bug: keys are 32 octets, signatures 64) throws, with code `InvalidArg`.

use jam_crypto::ed25519::{self, KEY_LEN, SIGNATURE_LEN};
use napi::bindgen_prelude::Uint8Array;
use napi::{Error, Result, Status};
use napi_derive::napi;

fn invalid(what: &str, expected: usize, got: usize) -> Error {
    Error::new(Status::InvalidArg, format!("{what}: expected {expected} octets, got {got}"))
}

/** Whether `signature` (64 octets) is a valid Ed25519 signature of `message` by `key` (32 octets), ZIP-215 rules. */
#[napi]
pub fn ed25519_verify(key: Uint8Array, message: Uint8Array, signature: Uint8Array) -> Result<bool> {
    let key: &[u8; KEY_LEN] = (&key[..]).try_into().map_err(|_| invalid("key", KEY_LEN, key.len()))?;
    let signature: &[u8; SIGNATURE_LEN] =
        (&signature[..]).try_into().map_err(|_| invalid("signature", SIGNATURE_LEN, signature.len()))?;
    Ok(ed25519::verify(key, &message, signature))
}

/**
 * The verdict of each of n triples in one call: the i-th key is octets 32i..32i+32 of `keys`, the
 * i-th signature octets 64i..64i+64 of `signatures`, the i-th message `messages[i]`. Each triple is
 * verified on its own (no all-or-nothing batch equation), so the answer says which ones fail.
 */
#[napi]
pub fn ed25519_verify_each(keys: Uint8Array, messages: Vec<Uint8Array>, signatures: Uint8Array) -> Result<Vec<bool>> {
    let n = messages.len();
    if keys.len() != n * KEY_LEN {
        return Err(invalid("keys", n * KEY_LEN, keys.len()));
    }
    if signatures.len() != n * SIGNATURE_LEN {
        return Err(invalid("signatures", n * SIGNATURE_LEN, signatures.len()));
    }
    Ok(keys
        .chunks_exact(KEY_LEN)
        .zip(signatures.chunks_exact(SIGNATURE_LEN))
        .zip(&messages)
        .map(|((key, signature), message)| {
            let key = key.try_into().expect("chunk of KEY_LEN");
            ed25519::verify(key, message, signature.try_into().expect("chunk of SIGNATURE_LEN"))
        })
        .collect())
}
