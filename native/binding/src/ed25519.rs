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

/// The items of `ed25519VerifyEach` and its deferred twin, checked: as many keys, messages and
/// signatures, keys of 32 octets, signatures of 64.
pub(crate) type Item = ([u8; KEY_LEN], Vec<u8>, [u8; SIGNATURE_LEN]);

pub(crate) fn items(keys: &[Uint8Array], messages: &[Uint8Array], signatures: &[Uint8Array]) -> Result<Vec<Item>> {
    if keys.len() != signatures.len() || messages.len() != signatures.len() {
        return Err(Error::new(
            Status::InvalidArg,
            format!("{} keys, {} messages and {} signatures: expected as many of each", keys.len(), messages.len(), signatures.len()),
        ));
    }
    let mut items = Vec::with_capacity(keys.len());
    for ((key, message), signature) in keys.iter().zip(messages).zip(signatures) {
        let key: [u8; KEY_LEN] = (&key[..]).try_into().map_err(|_| invalid("key", KEY_LEN, key.len()))?;
        let signature: [u8; SIGNATURE_LEN] =
            (&signature[..]).try_into().map_err(|_| invalid("signature", SIGNATURE_LEN, signature.len()))?;
        items.push((key, message.to_vec(), signature));
    }
    Ok(items)
}

/// The verdicts of checked items, in order.
pub(crate) fn verify_items(items: &[Item]) -> Vec<bool> {
    let refs: Vec<_> = items.iter().map(|(key, message, signature)| (key, &message[..], signature)).collect();
    ed25519::verify_each(&refs)
}

/** `ed25519Verify` of each (key, message, signature), in order, in one call. */
#[napi]
pub fn ed25519_verify_each(keys: Vec<Uint8Array>, messages: Vec<Uint8Array>, signatures: Vec<Uint8Array>) -> Result<Vec<bool>> {
    Ok(verify_items(&items(&keys, &messages, &signatures)?))
}
