//! JavaScript bindings of jam-crypto (Bandersnatch VRFs, Gray Paper 0.7.2 Appendix G).
//!
//! Invalid protocol input (a bad key, proof or signature) is a value, not an exception: the
//! verifying functions return either the output bytes or the error's stable code as a string.
//! Only a wrong length (a caller bug) throws, with code `InvalidArg`.

use jam_crypto::{
    CryptoError, RingSrs, SecretKey, KEY_LEN, PEDERSEN_SIGNATURE_LEN, RING_PROOF_LEN, RING_ROOT_LEN,
    SIGNATURE_LEN,
};
use std::sync::Arc;

use napi::bindgen_prelude::{Either, Uint8Array};
use napi::{Error, Result, Status};
use napi_derive::napi;

use crate::background::{start_now, PendingVerdicts};

pub(crate) fn fixed<'a, const N: usize>(what: &str, bytes: &'a [u8]) -> Result<&'a [u8; N]> {
    bytes.try_into().map_err(|_| {
        Error::new(Status::InvalidArg, format!("{what}: expected {N} octets, got {}", bytes.len()))
    })
}

fn keys(bytes: &[u8]) -> Result<Vec<[u8; KEY_LEN]>> {
    if !bytes.len().is_multiple_of(KEY_LEN) {
        return Err(Error::new(
            Status::InvalidArg,
            format!("keys: expected a multiple of {KEY_LEN} octets, got {}", bytes.len()),
        ));
    }
    Ok(bytes.chunks_exact(KEY_LEN).map(|k| k.try_into().expect("chunk of KEY_LEN")).collect())
}

fn value<const N: usize>(r: std::result::Result<[u8; N], CryptoError>) -> Either<Uint8Array, String> {
    match r {
        Ok(bytes) => Either::A(Uint8Array::new(bytes.to_vec())),
        Err(e) => Either::B(e.code().to_string()),
    }
}

type IetfVerify = fn(&[u8], &[u8], &[u8], &[u8; SIGNATURE_LEN]) -> std::result::Result<[u8; 32], CryptoError>;

/// One IETF verification with its arguments' lengths checked.
fn ietf(verify: IetfVerify, key: &[u8], context: &[u8], message: &[u8], signature: &[u8]) -> Result<Either<Uint8Array, String>> {
    let signature = fixed::<SIGNATURE_LEN>("signature", signature)?;
    Ok(value(verify(&fixed::<KEY_LEN>("key", key)?[..], context, message, signature)))
}

/** G.1/G.2: verify an IETF VRF signature (96 octets) of `key` on context and message; its output Y or an error code. */
#[napi]
pub fn bandersnatch_ietf_verify(
    key: Uint8Array,
    context: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
) -> Result<Either<Uint8Array, String>> {
    ietf(jam_crypto::ietf::verify, &key, &context, &message, &signature)
}

/** G.1 by ark-vrf's own verifier: the reference `bandersnatchIetfVerify` is checked against. */
#[napi]
pub fn bandersnatch_ietf_verify_reference(
    key: Uint8Array,
    context: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
) -> Result<Either<Uint8Array, String>> {
    ietf(jam_crypto::ietf::verify_reference, &key, &context, &message, &signature)
}

/** The Pedersen VRF inside a ring proof (output point + Pedersen proof, 192 octets); its output Y or an error code. */
#[napi]
pub fn bandersnatch_pedersen_verify(
    context: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
) -> Result<Either<Uint8Array, String>> {
    let signature = fixed::<PEDERSEN_SIGNATURE_LEN>("pedersen signature", &signature)?;
    Ok(value(jam_crypto::pedersen_verify(&context, &message, signature)))
}

/** G.2/G.5: the VRF output Y of a signature or ring proof, from its leading 32-octet output point. */
#[napi]
pub fn bandersnatch_vrf_output(output_point: Uint8Array) -> Result<Either<Uint8Array, String>> {
    Ok(value(jam_crypto::vrf_output(&fixed::<32>("output point", &output_point)?[..])))
}

/** G.2: `Y` of an output point from its octets as they are, not decoded (`jam_crypto::vrf_output_of_octets`): the optimistic import's, which checks the point on the worker. */
#[napi]
pub fn bandersnatch_vrf_output_of_octets(output_point: Uint8Array) -> Result<Uint8Array> {
    Ok(Uint8Array::from(jam_crypto::vrf_output_of_octets(fixed::<32>("output point", &output_point)?).to_vec()))
}

/** The ring SRS octets built into the addon (ark-vrf 0.2.1's own), for checking against a file. */
#[napi]
pub fn bandersnatch_embedded_srs() -> Uint8Array {
    Uint8Array::from(jam_crypto::EMBEDDED_SRS.to_vec())
}

/** The public key of the secret derived from `seed`. */
#[napi]
pub fn bandersnatch_public_key(seed: Uint8Array) -> Uint8Array {
    Uint8Array::new(SecretKey::from_seed(&seed).public().to_vec())
}

/** An IETF VRF signature (96 octets) by the secret derived from `seed`. */
#[napi]
pub fn bandersnatch_ietf_sign(seed: Uint8Array, context: Uint8Array, message: Uint8Array) -> Either<Uint8Array, String> {
    value(SecretKey::from_seed(&seed).ietf_sign(&context, &message))
}

/// A ring root and (context, message, proof) of each ring proof: lengths checked, octets copied.
type RingItems = ([u8; RING_ROOT_LEN], Vec<(Vec<u8>, Vec<u8>, [u8; RING_PROOF_LEN])>);

fn ring_items(root: &[u8], contexts: &[Uint8Array], messages: &[Uint8Array], proofs: &[Uint8Array]) -> Result<RingItems> {
    let root = *fixed::<RING_ROOT_LEN>("ring root", root)?;
    if contexts.len() != proofs.len() || messages.len() != proofs.len() {
        return Err(Error::new(
            Status::InvalidArg,
            format!("{} contexts, {} messages and {} proofs: expected as many of each", contexts.len(), messages.len(), proofs.len()),
        ));
    }
    let items = contexts
        .iter()
        .zip(messages)
        .zip(proofs)
        .map(|((c, m), p)| Ok((c.to_vec(), m.to_vec(), *fixed::<RING_PROOF_LEN>("ring proof", p)?)))
        .collect::<Result<Vec<_>>>()?;
    Ok((root, items))
}

/// The items as `RingSrs::ring_verify_each` takes them.
fn borrowed(items: &[(Vec<u8>, Vec<u8>, [u8; RING_PROOF_LEN])]) -> Vec<(&[u8], &[u8], &[u8; RING_PROOF_LEN])> {
    items.iter().map(|(c, m, p)| (&c[..], &m[..], p)).collect()
}

/** The ring SRS, parsed once; ring parameters are cached per ring size. */
#[napi]
pub struct BandersnatchRingSrs {
    /// Shared with the checks `ring_verify_each_deferred` hands to other threads.
    inner: Arc<RingSrs>,
}

#[napi]
impl BandersnatchRingSrs {
    /** Parses the uncompressed SRS bytes; throws `bad_srs` when they do not decode. */
    #[napi(constructor)]
    pub fn new(srs: Uint8Array) -> Result<Self> {
        RingSrs::new(&srs)
            .map(|inner| BandersnatchRingSrs { inner: Arc::new(inner) })
            .map_err(|e| Error::new(Status::InvalidArg, e.code()))
    }

    /** The SRS ark-vrf 0.2.1 ships, built into the addon: no file is read at run time. */
    #[napi(factory)]
    pub fn embedded() -> Result<Self> {
        RingSrs::embedded()
            .map(|inner| BandersnatchRingSrs { inner: Arc::new(inner) })
            .map_err(|e| Error::new(Status::GenericFailure, e.code()))
    }

    /** Builds the parameters of rings of `ring_size` keys now, not on first use; throws `bad_ring` for 0. */
    #[napi]
    pub fn prepare_ring(&self, ring_size: u32) -> Result<()> {
        self.inner.prepare(ring_size as usize).map_err(|e| Error::new(Status::InvalidArg, e.code()))
    }

    /** G.3: the ring root (144 octets) of the concatenated 32-octet keys; invalid keys are padded. */
    #[napi]
    pub fn ring_root(&self, keys_concat: Uint8Array) -> Result<Either<Uint8Array, String>> {
        Ok(value(self.inner.ring_root(&keys(&keys_concat)?)))
    }

    /** G.4/G.5: verify a ring VRF proof (784 octets) against a ring root; its output Y or an error code. */
    #[napi]
    pub fn ring_verify(
        &self,
        ring_size: u32,
        root: Uint8Array,
        context: Uint8Array,
        message: Uint8Array,
        proof: Uint8Array,
    ) -> Result<Either<Uint8Array, String>> {
        let root = fixed::<RING_ROOT_LEN>("ring root", &root)?;
        let proof = fixed::<RING_PROOF_LEN>("ring proof", &proof)?;
        Ok(value(self.inner.ring_verify(ring_size as usize, root, &context, &message, proof)))
    }

    /** G.4/G.5 for several proofs on one ring root (checked as a batch first): each one's output Y or error code, as `ringVerify` alone answers. */
    #[napi]
    pub fn ring_verify_each(
        &self,
        ring_size: u32,
        root: Uint8Array,
        contexts: Vec<Uint8Array>,
        messages: Vec<Uint8Array>,
        proofs: Vec<Uint8Array>,
    ) -> Result<Vec<Either<Uint8Array, String>>> {
        let (root, items) = ring_items(&root, &contexts, &messages, &proofs)?;
        Ok(self.inner.ring_verify_each(ring_size as usize, &root, &borrowed(&items)).into_iter().map(value).collect())
    }

    /**
     * `ringVerifyEach` begun at once on the thread pool, for the chain's optimistic import: one
     * verdict a proof, when joined, whether it verifies and its output point is in the form
     * encoding gives it (so that its `Y` read from the octets, `bandersnatchVrfOutputOfOctets`,
     * is the proof's).
     */
    #[napi]
    pub fn ring_verify_each_deferred(
        &self,
        ring_size: u32,
        root: Uint8Array,
        contexts: Vec<Uint8Array>,
        messages: Vec<Uint8Array>,
        proofs: Vec<Uint8Array>,
    ) -> Result<PendingVerdicts> {
        let (root, items) = ring_items(&root, &contexts, &messages, &proofs)?;
        let srs = self.inner.clone();
        Ok(start_now(items.len(), Box::new(move || {
            let answers = srs.ring_verify_each(ring_size as usize, &root, &borrowed(&items));
            answers.iter().zip(&items).map(|(answer, (_, _, proof))| answer.is_ok() && jam_crypto::opens_with_canonical_point(proof)).collect()
        })))
    }

    /** A ring VRF proof (784 octets) by the secret derived from `seed`, whose key is in the ring. */
    #[napi]
    pub fn ring_prove(
        &self,
        seed: Uint8Array,
        keys_concat: Uint8Array,
        context: Uint8Array,
        message: Uint8Array,
    ) -> Result<Either<Uint8Array, String>> {
        let secret = SecretKey::from_seed(&seed);
        Ok(value(self.inner.ring_prove(&secret, &keys(&keys_concat)?, &context, &message)))
    }
}
