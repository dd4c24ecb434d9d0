//! Bandersnatch VRFs (Gray Paper 0.7.2 Appendix G) through ark-vrf 0.2.1, suite
//! Bandersnatch SHA-512 ELL2.
//!
//! The paper's objects and their byte forms:
//! - a key `H_B` is a compressed Twisted Edwards point (32 octets);
//! - an IETF VRF signature `F^m_k<c>` (B_96) is the VRF output point (32) then the IETF proof
//!   `c || s` (64);
//! - a ring VRF proof `F-bar^m_r<c>` (B_784) is the output point (32), the Pedersen proof (160)
//!   then the ring proof (592);
//! - a ring root `O(keys)` (B_144) is the KZG commitment of the ring, compressed.
//!
//! The context `c` is the VRF input (hashed to the curve), the message `m` the additional data.
//! The ring SRS is not shipped by this crate: the caller passes its bytes to [`RingSrs::new`].
//!
//! Ed25519 verification (section 3.8.2) is the module [`ed25519`], the hashes H and H_K (section
//! 3.8.1) the modules [`blake2b`] and [`keccak`].

pub mod blake2b;
pub mod ed25519;
pub mod ietf;
pub mod keccak;
mod recent;
pub mod subgroup;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use recent::Recent;

use ark_vrf::reexports::ark_serialize::{CanonicalDeserialize, CanonicalSerialize, Valid};
use ark_vrf::ring::Prover as RingProver;
use ark_vrf::ietf::Prover as IetfProver;
use ark_vrf::pedersen::Verifier as PedersenVerifier;
use ark_vrf::ring::RingBuilderPcsParams;
use ark_vrf::suites::bandersnatch::{
    AffinePoint, BandersnatchSha512Ell2, Input, Output, PcsParams, PedersenProof, Public,
    RingCommitment, RingProof, RingProofParams, RingProverKey, RingVerifierKeyBuilder, Secret,
};

/// Octets of a public key.
pub const KEY_LEN: usize = 32;
/// Octets of an IETF VRF signature (output point + proof).
pub const SIGNATURE_LEN: usize = 96;
/// Octets of a ring VRF proof (output point + Pedersen proof + ring proof).
pub const RING_PROOF_LEN: usize = 784;
/// Octets of a Pedersen VRF signature: the output point then the Pedersen proof (key
/// commitment, r, ok, s, sb), the first 192 octets of a ring proof.
pub const PEDERSEN_SIGNATURE_LEN: usize = 192;
/// Octets of a ring root (the ring's KZG commitment).
pub const RING_ROOT_LEN: usize = 144;
/// Octets of the paper's VRF output `Y(x)`: the first 32 of the suite's 64-octet output hash.
pub const OUTPUT_LEN: usize = 32;

/// Why an operation failed; the binding maps each to a stable error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoError {
    /// The SRS bytes do not decode, or are too short for the ring size.
    BadSrs,
    /// A public key is not a valid point of the prime-order subgroup.
    BadKey,
    /// An output point, proof or ring root does not decode.
    BadEncoding,
    /// The context does not hash to a curve point (never for the ELL2 suite, kept for totality).
    BadInput,
    /// The proof does not verify.
    VerificationFailure,
    /// The ring size is zero, or the prover's key is not in the ring.
    BadRing,
}

impl CryptoError {
    /// A stable code for this error.
    pub fn code(self) -> &'static str {
        match self {
            CryptoError::BadSrs => "bad_srs",
            CryptoError::BadKey => "bad_key",
            CryptoError::BadEncoding => "bad_encoding",
            CryptoError::BadInput => "bad_input",
            CryptoError::VerificationFailure => "verification_failure",
            CryptoError::BadRing => "bad_ring",
        }
    }
}

pub(crate) type Result<T> = std::result::Result<T, CryptoError>;

/// A key as a point: the checked decode (on the curve and in the prime-order subgroup).
fn decode_key(key: &[u8]) -> Result<AffinePoint> {
    subgroup::decode(key).ok_or(CryptoError::BadKey)
}

/// The checked decode, remembered for the last 16 encodings: a block's author key and its
/// entropy output Gamma_V are decoded more than once. (A ring's keys are not: 1023 of them
/// would only push these out.)
fn decode_remembered(bytes: &[u8]) -> Option<AffinePoint> {
    static DECODED: Recent<[u8; 32], AffinePoint, 16> = Recent::new();
    let key: [u8; 32] = bytes.try_into().ok()?;
    DECODED.get_or_try(key, || subgroup::decode(bytes).ok_or(CryptoError::BadEncoding)).ok()
}

/// A point the proof carries (the output gamma): decoded and checked like a key, remembered.
fn decode_point(bytes: &[u8]) -> Result<AffinePoint> {
    decode_remembered(bytes).ok_or(CryptoError::BadEncoding)
}

/// Whether the three points of a ring proof's Pedersen proof (the key commitment, R and O_k,
/// octets 32..128 after the output point) are on the curve and in the prime-order subgroup:
/// the checks of ark's checked decode, by the cheaper subgroup test of [`subgroup`].
fn pedersen_points_valid(proof: &[u8; RING_PROOF_LEN]) -> bool {
    proof[32..128].chunks_exact(32).all(|p| subgroup::decode(p).is_some())
}

/// A ring proof (after its output point) decoded with every check of ark's checked decode: the
/// Pedersen proof's points by [`pedersen_points_valid`], the ring proof's by ark's own `check`.
fn decode_ring_proof(proof: &[u8; RING_PROOF_LEN]) -> Option<RingProof> {
    let decoded = RingProof::deserialize_compressed_unchecked(&proof[32..]).ok()?;
    (pedersen_points_valid(proof) && decoded.ring_proof.check().is_ok()).then_some(decoded)
}

fn encode<T: CanonicalSerialize, const N: usize>(value: &T) -> [u8; N] {
    let mut out = Vec::with_capacity(N);
    value
        .serialize_compressed(&mut out)
        .expect("serializing into a Vec cannot fail");
    out.try_into().expect("the suite fixes every encoded length")
}

/// The VRF input point of a context `c`.
pub(crate) fn vrf_input(context: &[u8]) -> Result<Input> {
    Input::new(context).ok_or(CryptoError::BadInput)
}

/// The paper's `Y`: the first 32 octets of the output point's hash.
pub(crate) fn output_hash(output: &Output) -> [u8; OUTPUT_LEN] {
    let mut y = [0u8; OUTPUT_LEN];
    y.copy_from_slice(&output.hash()[..OUTPUT_LEN]);
    y
}

/// @gp G.2 -- the VRF output `Y(x)` of a signature or ring proof, from its leading output point.
pub fn vrf_output(output_point: &[u8]) -> Result<[u8; OUTPUT_LEN]> {
    Ok(output_hash(&Output::from_affine(decode_point(output_point)?)))
}

/// @gp G.2 -- `Y` of an output point read from its octets as they are: the suite's hash over
/// them, with no decoding. It is [`vrf_output`]'s answer exactly when the octets are the
/// encoding of a point it decodes, in the one form encoding gives that point
/// ([`is_canonical_point`]): for the optimistic import, which checks that on another thread.
pub fn vrf_output_of_octets(output_point: &[u8; 32]) -> [u8; OUTPUT_LEN] {
    use ark_vrf::Suite;
    use sha2::{Digest, Sha512};
    // RFC 9381's point_to_hash, as ark-vrf's `Output::hash`: suite id, 0x03, the point, 0x00.
    let hash = Sha512::new()
        .chain_update(BandersnatchSha512Ell2::SUITE_ID)
        .chain_update([0x03])
        .chain_update(output_point)
        .chain_update([0x00])
        .finalize();
    let mut y = [0u8; OUTPUT_LEN];
    y.copy_from_slice(&hash[..OUTPUT_LEN]);
    y
}

/// Whether octets decode to a point of the prime-order subgroup and are that point's encoding
/// (the identity decodes from either sign flag, but encodes with one).
pub fn is_canonical_point(octets: &[u8; 32]) -> bool {
    decode_remembered(octets).is_some_and(|p| encode::<_, 32>(&p) == *octets)
}

/// Whether a signature or ring proof opens with an output point in its one encoding
/// ([`is_canonical_point`]): what a deferred check adds to the verification, so that `Y` read from
/// the octets ([`vrf_output_of_octets`]) is the signature's.
pub fn opens_with_canonical_point(signature_or_proof: &[u8]) -> bool {
    signature_or_proof.get(..32).and_then(|p| p.try_into().ok()).is_some_and(is_canonical_point)
}

/// The Pedersen VRF part of a ring proof (G.4) alone, for the Bandersnatch specification's own
/// vectors: whether `signature` (output point, Pedersen proof) verifies on context and message,
/// for the key committed to inside it; on success its output `Y`.
pub fn pedersen_verify(
    context: &[u8],
    message: &[u8],
    signature: &[u8; PEDERSEN_SIGNATURE_LEN],
) -> Result<[u8; OUTPUT_LEN]> {
    let output = Output::from_affine(decode_point(&signature[..32])?);
    let proof = PedersenProof::deserialize_compressed(&signature[32..])
        .map_err(|_| CryptoError::BadEncoding)?;
    <Public as PedersenVerifier<_>>::verify(vrf_input(context)?, output, message, &proof)
        .map_err(|_| CryptoError::VerificationFailure)?;
    Ok(output_hash(&output))
}

/// A secret key derived from a seed (the suite's `Secret::from_seed`), for signing and proving.
pub struct SecretKey(Secret);

impl SecretKey {
    pub fn from_seed(seed: &[u8]) -> Self {
        SecretKey(Secret::from_seed(seed))
    }

    /// The public key `H_B` of this secret.
    pub fn public(&self) -> [u8; KEY_LEN] {
        encode(&self.0.public().0)
    }

    /// An IETF VRF signature in `F^m_k<c>` (G.1), `k` being this secret's public key.
    pub fn ietf_sign(&self, context: &[u8], message: &[u8]) -> Result<[u8; SIGNATURE_LEN]> {
        let input = vrf_input(context)?;
        let output = self.0.output(input);
        let proof = IetfProver::prove(&self.0, input, output, message);
        let mut out = [0u8; SIGNATURE_LEN];
        out[..32].copy_from_slice(&encode::<_, 32>(&output.0));
        out[32..].copy_from_slice(&encode::<_, 64>(&proof));
        Ok(out)
    }
}

/// What one ring size needs, built once: the ring parameters, the SRS in Lagrange form and the
/// verifier-key builder of the empty ring, from which a ring root costs one small MSM.
struct RingSetup {
    params: RingProofParams,
    lagrange: RingBuilderPcsParams<BandersnatchSha512Ell2>,
    empty: RingVerifierKeyBuilder,
    /// The verifier of the ring root used last: a block's tickets all verify against one root.
    last_verifier: Recent<[u8; RING_ROOT_LEN], Arc<RingVerifierOf>, 1>,
    /// The ring root computed last, with its keys: the next epoch's ring is often the same.
    last_root: Recent<Vec<[u8; KEY_LEN]>, [u8; RING_ROOT_LEN], 1>,
    /// The prover key of the ring proven in last, with its keys: an epoch's tickets are all
    /// proven in one ring, and indexing it is about a fifth of a proof's time.
    last_prover_key: Recent<Vec<[u8; KEY_LEN]>, Arc<RingProverKey>, 1>,
}

type RingVerifierOf = ark_vrf::suites::bandersnatch::RingVerifier;

impl RingSetup {
    /// The verifier for a ring root, reused while the root stays the same.
    fn verifier(&self, root: &[u8; RING_ROOT_LEN]) -> Result<Arc<RingVerifierOf>> {
        self.last_verifier.get_or_try(*root, || {
            let commitment =
                RingCommitment::deserialize_compressed(&root[..]).map_err(|_| CryptoError::BadEncoding)?;
            Ok(Arc::new(self.params.verifier(self.params.verifier_key_from_commitment(commitment))))
        })
    }
}

/// The ring SRS (KZG powers of tau), parsed once, with the setup of each ring size built on
/// first use.
pub struct RingSrs {
    pcs: PcsParams,
    setups: Mutex<HashMap<usize, Arc<RingSetup>>>,
}

/// The uncompressed ring SRS shipped with ark-vrf 0.2.1 (copied by `build.rs` from the crate's
/// package); the same octets as the vectors' `zcash-srs-2-11-uncompressed.bin`.
pub const EMBEDDED_SRS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/ring-srs.bin"));

impl RingSrs {
    /// The SRS ark-vrf ships (`EMBEDDED_SRS`), parsed.
    pub fn embedded() -> Result<Self> {
        Self::new(EMBEDDED_SRS)
    }

    /// Parses the uncompressed SRS (`zcash-srs-2-11-uncompressed.bin`).
    pub fn new(srs: &[u8]) -> Result<Self> {
        let pcs = PcsParams::deserialize_uncompressed_unchecked(srs).map_err(|_| CryptoError::BadSrs)?;
        Ok(RingSrs { pcs, setups: Mutex::new(HashMap::new()) })
    }

    /// Builds the setup of rings of `ring_size` keys now rather than on first use (it takes
    /// about a third of a second for 6 keys, two seconds for 1023).
    pub fn prepare(&self, ring_size: usize) -> Result<()> {
        self.setup(ring_size).map(|_| ())
    }

    fn setup(&self, ring_size: usize) -> Result<Arc<RingSetup>> {
        if ring_size == 0 {
            return Err(CryptoError::BadRing);
        }
        let mut cache = self.setups.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = cache.get(&ring_size) {
            return Ok(s.clone());
        }
        let params = RingProofParams::from_pcs_params(ring_size, self.pcs.clone())
            .map_err(|_| CryptoError::BadSrs)?;
        let (empty, lagrange) = params.verifier_key_builder();
        let s = Arc::new(RingSetup {
            params,
            lagrange,
            empty,
            last_verifier: Recent::new(),
            last_root: Recent::new(),
            last_prover_key: Recent::new(),
        });
        cache.insert(ring_size, s.clone());
        Ok(s)
    }

    /// The ring's points: every key that fails the checked decode becomes the padding point
    /// (Appendix G, last paragraph). So does the identity: it decodes (it is in the prime-order
    /// subgroup) but has no affine coordinates, and the ring commitment cannot hold it (appending
    /// it panics inside w3f-ring-proof), so it is no usable ring member.
    fn ring_points(keys: &[[u8; KEY_LEN]]) -> Vec<AffinePoint> {
        keys.iter()
            .map(|k| decode_key(k).ok().filter(|p| !p.is_zero()).unwrap_or(RingProofParams::padding_point()))
            .collect()
    }

    /// @gp G.3 -- the ring root `O(keys)`: the commitment of the ring of `keys.len()` keys.
    pub fn ring_root(&self, keys: &[[u8; KEY_LEN]]) -> Result<[u8; RING_ROOT_LEN]> {
        let setup = self.setup(keys.len())?;
        setup.last_root.get_or_try(keys.to_vec(), || {
            let mut builder = setup.empty.clone();
            builder
                .append(&Self::ring_points(keys), &setup.lagrange)
                .map_err(|_| CryptoError::BadRing)?;
            Ok(encode(&builder.finalize().commitment()))
        })
    }

    /// @gp G.4 -- whether `proof` is in `F-bar^m_r<c>` for the ring root `r` of a ring of
    /// `ring_size` keys; on success its output `Y` (G.5).
    ///
    /// ark-vrf's `Verifier::verify` checks the Pedersen VRF proof (Bandersnatch) and then the ring
    /// proof (KZG over BLS12-381); the two checks share nothing but the key commitment, so they
    /// run side by side on the thread pool, each with the validity checks of its own points.
    /// The answer is the one of the checked decode followed by `Verifier::verify`: a proof
    /// whose points are not valid is `BadEncoding` whatever the checks say.
    pub fn ring_verify(
        &self,
        ring_size: usize,
        root: &[u8; RING_ROOT_LEN],
        context: &[u8],
        message: &[u8],
        proof: &[u8; RING_PROOF_LEN],
    ) -> Result<[u8; OUTPUT_LEN]> {
        let verifier = self.setup(ring_size)?.verifier(root)?;
        let output = Output::from_affine(decode_point(&proof[..32])?);
        let ring_proof = RingProof::deserialize_compressed_unchecked(&proof[32..]).map_err(|_| CryptoError::BadEncoding)?;
        let input = vrf_input(context)?;
        // Each side: whether its points are valid, and whether its check passes.
        let ((pedersen_valid, pedersen_ok), (ring_valid, ring_ok)) = rayon::join(
            || {
                let valid = pedersen_points_valid(proof);
                (valid, valid && <Public as PedersenVerifier<_>>::verify(input, output, message, &ring_proof.pedersen_proof).is_ok())
            },
            || {
                let valid = ring_proof.ring_proof.check().is_ok();
                let key_commitment = ring_proof.pedersen_proof.key_commitment();
                (valid, valid && verifier.verify(ring_proof.ring_proof.clone(), key_commitment))
            },
        );
        if !(pedersen_valid && ring_valid) {
            return Err(CryptoError::BadEncoding);
        }
        if !(pedersen_ok && ring_ok) {
            return Err(CryptoError::VerificationFailure);
        }
        Ok(output_hash(&output))
    }

    /// @gp G.4 -- for each `(context, message, proof)`, what [`Self::ring_verify`] answers, for
    /// one ring root. Two or more proofs are first checked as one batch (ark-vrf's
    /// `BatchVerifier`: random linear combinations, with scalars derived from the proofs, that
    /// pay the pairing and MSM checks once); when the batch holds every proof is in the set
    /// (a false proof passes with probability about 2^-128), and otherwise, or when a proof does
    /// not decode, each proof is verified alone, so the answers are always `ring_verify`'s.
    pub fn ring_verify_each(
        &self,
        ring_size: usize,
        root: &[u8; RING_ROOT_LEN],
        items: &[(&[u8], &[u8], &[u8; RING_PROOF_LEN])],
    ) -> Vec<Result<[u8; OUTPUT_LEN]>> {
        use rayon::prelude::*;
        // One share of the proofs per thread, side by side: on two cores two proofs verified
        // alone at once take less time than the two as one batch.
        let share = items.len().div_ceil(rayon::current_num_threads().max(1)).max(1);
        items.par_chunks(share).flat_map_iter(|share| self.ring_verify_share(ring_size, root, share)).collect()
    }

    /// [`Self::ring_verify_each`] for one share of the proofs: two or more as a batch first.
    fn ring_verify_share(
        &self,
        ring_size: usize,
        root: &[u8; RING_ROOT_LEN],
        items: &[(&[u8], &[u8], &[u8; RING_PROOF_LEN])],
    ) -> Vec<Result<[u8; OUTPUT_LEN]>> {
        if items.len() >= 2 {
            if let Some(outputs) = self.setup(ring_size).ok().and_then(|setup| Self::batch(&setup, root, items)) {
                return outputs.into_iter().map(Ok).collect();
            }
        }
        items.iter().map(|(c, m, proof)| self.ring_verify(ring_size, root, c, m, proof)).collect()
    }

    /// The outputs of proofs that decode and pass together as one batch; `None` otherwise.
    fn batch(
        setup: &RingSetup,
        root: &[u8; RING_ROOT_LEN],
        items: &[(&[u8], &[u8], &[u8; RING_PROOF_LEN])],
    ) -> Option<Vec<[u8; OUTPUT_LEN]>> {
        let commitment = RingCommitment::deserialize_compressed(&root[..]).ok()?;
        // The batch consumes its verifier: a fresh one for this root.
        let verifier = setup.params.verifier(setup.params.verifier_key_from_commitment(commitment));
        let mut batch = ark_vrf::ring::BatchVerifier::new(verifier);
        let mut outputs = Vec::with_capacity(items.len());
        for (context, message, proof) in items {
            let output = Output::from_affine(decode_point(&proof[..32]).ok()?);
            let ring_proof = decode_ring_proof(proof)?;
            batch.push(vrf_input(context).ok()?, output, message, &ring_proof);
            outputs.push(output_hash(&output));
        }
        batch.verify().ok().map(|()| outputs)
    }

    /// A ring VRF proof in `F-bar^m_r<c>` (G.4) by `secret`, whose public key must be in `keys`.
    pub fn ring_prove(
        &self,
        secret: &SecretKey,
        keys: &[[u8; KEY_LEN]],
        context: &[u8],
        message: &[u8],
    ) -> Result<[u8; RING_PROOF_LEN]> {
        let public = secret.public();
        let index = keys.iter().position(|k| *k == public).ok_or(CryptoError::BadRing)?;
        let setup = self.setup(keys.len())?;
        let key = setup.last_prover_key.get_or_try(keys.to_vec(), || Ok(Arc::new(setup.params.prover_key(&Self::ring_points(keys)))))?;
        let prover = setup.params.prover((*key).clone(), index);
        let input = vrf_input(context)?;
        let output = secret.0.output(input);
        let proof = RingProver::prove(&secret.0, input, output, message, &prover);
        let mut out = [0u8; RING_PROOF_LEN];
        out[..32].copy_from_slice(&encode::<_, 32>(&output.0));
        out[32..].copy_from_slice(&encode::<_, { RING_PROOF_LEN - 32 }>(&proof));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use ark_vrf::ring::Verifier as RingVerifier;

    /// G.4 by ark-vrf's own path: the checked decode, then `Verifier::verify`.
    fn ring_verify_reference(srs: &RingSrs, ring_size: usize, root: &[u8; RING_ROOT_LEN], context: &[u8], message: &[u8], proof: &[u8; RING_PROOF_LEN]) -> Result<[u8; OUTPUT_LEN]> {
        let verifier = srs.setup(ring_size)?.verifier(root)?;
        let output = Output::from_affine(AffinePoint::deserialize_compressed(&proof[..32]).map_err(|_| CryptoError::BadEncoding)?);
        let ring_proof = RingProof::deserialize_compressed(&proof[32..]).map_err(|_| CryptoError::BadEncoding)?;
        <Public as RingVerifier<_>>::verify(vrf_input(context)?, output, message, &ring_proof, &verifier)
            .map_err(|_| CryptoError::VerificationFailure)?;
        Ok(output_hash(&output))
    }

    /// The test ring: the keys of seeds [0] to [5], and its root.
    fn six_key_ring() -> (RingSrs, Vec<[u8; 1]>, Vec<[u8; KEY_LEN]>, [u8; RING_ROOT_LEN]) {
        let srs = RingSrs::embedded().unwrap();
        let seeds: Vec<[u8; 1]> = (0..6u8).map(|i| [i]).collect();
        let keys: Vec<[u8; KEY_LEN]> = seeds.iter().map(|s| SecretKey::from_seed(s).public()).collect();
        let root = srs.ring_root(&keys).unwrap();
        (srs, seeds, keys, root)
    }

    #[test]
    fn the_output_of_octets_is_the_output_of_a_canonical_point() {
        let mut canonical = 0;
        for i in 0..200u16 {
            let signature = SecretKey::from_seed(&i.to_le_bytes()).ietf_sign(b"c", b"m").unwrap();
            let mut point: [u8; 32] = signature[..32].try_into().unwrap();
            if i % 2 == 1 {
                point[(i as usize / 2) % 32] ^= 1 << (i % 8);
            }
            match vrf_output(&point) {
                Ok(y) => {
                    assert!(is_canonical_point(&point));
                    assert_eq!(vrf_output_of_octets(&point), y);
                    canonical += 1;
                }
                Err(_) => assert!(!is_canonical_point(&point)),
            }
        }
        assert!(canonical >= 100);
        // The identity (0, 1): its sign flag set decodes to the same point, but is not its encoding.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(is_canonical_point(&identity));
        identity[31] |= 0x80;
        assert!(vrf_output(&identity).is_ok() && !is_canonical_point(&identity));
        assert_ne!(vrf_output_of_octets(&identity), vrf_output(&identity).unwrap());
    }

    #[test]
    fn ring_verify_answers_as_ark_vrf_on_valid_and_altered_proofs() {
        let (srs, seeds, keys, root) = six_key_ring();
        let proof = srs.ring_prove(&SecretKey::from_seed(&seeds[2]), &keys, b"c", b"m").unwrap();
        assert!(srs.ring_verify(6, &root, b"c", b"m", &proof).is_ok());
        assert_eq!(srs.ring_verify(6, &root, b"c", b"m", &proof), ring_verify_reference(&srs, 6, &root, b"c", b"m", &proof));
        assert_eq!(srs.ring_verify(6, &root, b"d", b"m", &proof), Err(CryptoError::VerificationFailure));
        // A flipped bit in every 16-octet stretch: the output point, each Pedersen point and
        // scalar, and the ring proof's commitments and evaluations.
        for at in (0..RING_PROOF_LEN).step_by(16).chain([33, 65, 97, 200, 250, 400]) {
            let mut bad = proof;
            bad[at] ^= 1 << (at % 8);
            assert_eq!(
                srs.ring_verify(6, &root, b"c", b"m", &bad),
                ring_verify_reference(&srs, 6, &root, b"c", b"m", &bad),
                "flipped bit at octet {at}"
            );
        }
        // A Pedersen point moved off the subgroup (plus the 2-torsion point (0, -1)): on the
        // curve, so only the subgroup check rejects it.
        for at in [32usize, 64, 96] {
            let mut bad = proof;
            let p = AffinePoint::deserialize_compressed(&proof[at..at + 32]).unwrap();
            let moved = AffinePoint::new_unchecked(-p.x, -p.y);
            bad[at..at + 32].copy_from_slice(&encode::<_, 32>(&moved));
            assert_eq!(srs.ring_verify(6, &root, b"c", b"m", &bad), Err(CryptoError::BadEncoding), "point at {at}");
            assert_eq!(ring_verify_reference(&srs, 6, &root, b"c", b"m", &bad), Err(CryptoError::BadEncoding), "point at {at}");
        }
    }

    #[test]
    fn ring_verify_each_answers_as_ring_verify_alone() {
        let (srs, seeds, keys, root) = six_key_ring();
        let contexts: Vec<[u8; 2]> = (0..4u8).map(|i| [b'c', i]).collect();
        let mut proofs: Vec<[u8; RING_PROOF_LEN]> = contexts
            .iter()
            .enumerate()
            .map(|(i, c)| srs.ring_prove(&SecretKey::from_seed(&seeds[i]), &keys, c, b"m").unwrap())
            .collect();
        let check = |proofs: &[[u8; RING_PROOF_LEN]]| {
            let items: Vec<(&[u8], &[u8], &[u8; RING_PROOF_LEN])> =
                contexts.iter().zip(proofs).map(|(c, p)| (&c[..], &b"m"[..], p)).collect();
            let each = srs.ring_verify_each(6, &root, &items);
            let alone: Vec<_> = items.iter().map(|(c, m, p)| srs.ring_verify(6, &root, c, m, p)).collect();
            assert_eq!(each, alone);
            each
        };
        assert!(check(&proofs).iter().all(|r| r.is_ok()));
        proofs[2][500] ^= 1; // the ring proof of the third
        assert_eq!(check(&proofs)[2], Err(CryptoError::VerificationFailure));
        proofs[1][0] ^= 0xff; // the output point of the second
        assert!(check(&proofs)[1].is_err());
    }

    #[test]
    fn the_identity_is_a_padding_point_in_a_ring() {
        // It failed here before: appending the identity panicked inside w3f-ring-proof, across
        // the N-API boundary, and aborted the process.
        let srs = RingSrs::embedded().unwrap();
        let mut keys: Vec<[u8; KEY_LEN]> = (0..6u8).map(|i| SecretKey::from_seed(&[i]).public()).collect();
        let mut identity = [0u8; KEY_LEN];
        identity[0] = 1; // (0, 1): y = 1, x even
        assert!(decode_key(&identity).is_ok(), "the identity decodes");
        keys[2] = identity;
        let with_identity = srs.ring_root(&keys).unwrap();
        keys[2] = [0xff; KEY_LEN]; // not a point: the padding point by the last paragraph of Appendix G
        assert_eq!(with_identity, srs.ring_root(&keys).unwrap());
    }

    #[test]
    fn ietf_sign_verify_roundtrip() {
        let sk = SecretKey::from_seed(b"seed");
        let sig = sk.ietf_sign(b"context", b"message").unwrap();
        let y = ietf::verify(&sk.public(), b"context", b"message", &sig).unwrap();
        assert_eq!(y, vrf_output(&sig[..32]).unwrap());
        assert_eq!(
            ietf::verify(&sk.public(), b"context", b"other", &sig),
            Err(CryptoError::VerificationFailure)
        );
    }
}
