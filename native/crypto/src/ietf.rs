//! IETF VRF verification (G.1) with the same answers as ark-vrf's `Verifier::verify`, faster:
//!
//! - the two checks `U = [s]G - [c]Y` and `V = [s]I - [c]Gamma` are each one interleaved
//!   double-scalar multiplication (Straus, width-5 wNAF), which shares the 253 doublings that two
//!   separate multiplications each pay;
//! - checked point decodes ([`crate::subgroup::decode`]), the keys' tables of odd multiples and
//!   the VRF inputs of contexts are remembered, the last few of each: a block's author key and
//!   entropy output Gamma_V are decoded more than once, its author signs again within the
//!   epoch, and a fallback seal's context lasts the epoch.
//!
//! [`verify_reference`] is ark-vrf's own verification, kept as the twin a property compares with.

use std::sync::LazyLock;

use ark_vrf::ietf::Verifier as IetfVerifier;
use ark_vrf::reexports::ark_ec::{AdditiveGroup, AffineRepr};
use ark_vrf::reexports::ark_ff::{BigInteger, Field, PrimeField};
use ark_vrf::reexports::ark_serialize::CanonicalDeserialize;
use ark_vrf::suites::bandersnatch::{AffinePoint, BandersnatchSha512Ell2, IetfProof, Output, Public};
use ark_vrf::Suite;

use crate::recent::Recent;
use crate::{decode_point, decode_remembered, output_hash, vrf_input, CryptoError, Result, OUTPUT_LEN, SIGNATURE_LEN};

type Projective = <AffinePoint as AffineRepr>::Group;
type Scalar = <AffinePoint as AffineRepr>::ScalarField;
type Fq = <AffinePoint as AffineRepr>::BaseField;

/// wNAF width: digits are odd and below 2^(W-1) in magnitude, so a table holds 2^(W-2) points.
const W: usize = 5;
const TABLE: usize = 1 << (W - 2);

/// The affine forms of a few points with one field inversion (Montgomery's trick), on this
/// thread: ark's `normalize_batch` hands even eight points to the thread pool (its `parallel`
/// feature, on for the ring proofs), and waking the pool costs more than the inversions.
fn to_affine<const N: usize>(points: &[Projective; N]) -> [AffinePoint; N] {
    // prefix[i] = z_0 ... z_{i-1}; one inversion of the product, then each z_i^-1 backwards.
    let mut prefix = [Fq::ONE; N];
    let mut acc = Fq::ONE;
    for (p, q) in prefix.iter_mut().zip(points) {
        *p = acc;
        acc *= q.z;
    }
    let mut inverse = acc.inverse().expect("projective points of the curve have z != 0");
    let mut out = [AffinePoint::zero(); N];
    for i in (0..N).rev() {
        let z_inv = inverse * prefix[i];
        inverse *= points[i].z;
        out[i] = AffinePoint::new_unchecked(points[i].x * z_inv, points[i].y * z_inv);
    }
    out
}

/// The odd multiples P, 3P, ..., (2^(W-1) - 1)P, affine for the cheaper mixed addition.
fn odd_multiples(p: AffinePoint) -> [AffinePoint; TABLE] {
    let p2 = p.into_group().double();
    let mut table = [p.into_group(); TABLE];
    for i in 1..TABLE {
        table[i] = table[i - 1] + p2;
    }
    to_affine(&table)
}

static GENERATOR_TABLE: LazyLock<[AffinePoint; TABLE]> =
    LazyLock::new(|| odd_multiples(BandersnatchSha512Ell2::generator()));

fn wnaf(k: &Scalar) -> Vec<i64> {
    k.into_bigint().find_wnaf(W).expect("W is within 2..64")
}

/// `[a]P + [b]Q` from the wNAF digits of `a` and `b` by Straus' interleaving: one doubling per
/// bit, one addition per nonzero digit.
fn double_mul(na: &[i64], p: &[AffinePoint; TABLE], nb: &[i64], q: &[AffinePoint; TABLE]) -> Projective {
    let mut acc = Projective::default();
    for i in (0..na.len().max(nb.len())).rev() {
        acc.double_in_place();
        for (naf, table) in [(na, p), (nb, q)] {
            match naf.get(i).copied().unwrap_or(0) {
                0 => {}
                d if d > 0 => acc += &table[(d / 2) as usize],
                d => acc -= &table[(-d / 2) as usize],
            }
        }
    }
    acc
}

/// Odd-multiple tables of keys (the same few validators sign block after block).
static TABLES: Recent<[u8; 32], [AffinePoint; TABLE], 16> = Recent::new();
/// VRF inputs of contexts with their tables (a fallback seal's context lasts an epoch).
static INPUTS: Recent<Vec<u8>, (AffinePoint, [AffinePoint; TABLE]), 16> = Recent::new();

/// @gp G.1 -- whether `signature` is in `F^m_k<c>`; on success its output `Y` (G.2).
pub fn verify(key: &[u8], context: &[u8], message: &[u8], signature: &[u8; SIGNATURE_LEN]) -> Result<[u8; OUTPUT_LEN]> {
    let key: [u8; 32] = key.try_into().map_err(|_| CryptoError::BadKey)?;
    let y = decode_remembered(&key).ok_or(CryptoError::BadKey)?;
    let gamma = decode_point(&signature[..32])?;
    let IetfProof { c, s } =
        IetfProof::deserialize_compressed(&signature[32..]).map_err(|_| CryptoError::BadEncoding)?;
    let (input, input_table) = INPUTS.get_or_try(context.to_vec(), || {
        let input = vrf_input(context)?.0;
        Ok((input, odd_multiples(input)))
    })?;
    let y_table = TABLES.get_or_try(key, || Ok(odd_multiples(y)))?;
    // U and V share their scalars s and -c: their digits are computed once.
    let (s_digits, minus_c_digits) = (wnaf(&s), wnaf(&-c));
    let u = double_mul(&s_digits, &GENERATOR_TABLE, &minus_c_digits, &y_table);
    let v = double_mul(&s_digits, &input_table, &minus_c_digits, &odd_multiples(gamma));
    let uv = to_affine(&[u, v]);
    let expected = BandersnatchSha512Ell2::challenge(&[&y, &input, &gamma, &uv[0], &uv[1]], message);
    if expected != c {
        return Err(CryptoError::VerificationFailure);
    }
    Ok(output_hash(&Output::from_affine(gamma)))
}

/// G.1 by ark-vrf's own `Verifier::verify`: the reference [`verify`] must agree with.
pub fn verify_reference(
    key: &[u8],
    context: &[u8],
    message: &[u8],
    signature: &[u8; SIGNATURE_LEN],
) -> Result<[u8; OUTPUT_LEN]> {
    let y = AffinePoint::deserialize_compressed(key).map_err(|_| CryptoError::BadKey)?;
    let gamma = AffinePoint::deserialize_compressed(&signature[..32]).map_err(|_| CryptoError::BadEncoding)?;
    let proof = IetfProof::deserialize_compressed(&signature[32..]).map_err(|_| CryptoError::BadEncoding)?;
    let output = Output::from_affine(gamma);
    Public::from_affine(y)
        .verify(vrf_input(context)?, output, message, &proof)
        .map_err(|_| CryptoError::VerificationFailure)?;
    Ok(output_hash(&output))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_vrf::reexports::ark_ec::CurveGroup;
    use crate::SecretKey;

    #[test]
    fn double_mul_is_the_sum_of_two_multiplications() {
        let g = BandersnatchSha512Ell2::generator();
        let h = (g * Scalar::from(7u64)).into_affine();
        for (a, b) in [(1u64, 0u64), (0, 1), (12345, 678910), (u64::MAX, 3)] {
            let (a, b) = (Scalar::from(a), -Scalar::from(b));
            assert_eq!(double_mul(&wnaf(&a), &odd_multiples(g), &wnaf(&b), &odd_multiples(h)), g * a + h * b);
        }
    }

    #[test]
    fn agrees_with_ark_vrf_on_valid_and_altered_signatures() {
        for i in 0u8..20 {
            let sk = SecretKey::from_seed(&[i]);
            let sig = sk.ietf_sign(&[i, 1], &[i, 2]).unwrap();
            let key = sk.public();
            assert_eq!(verify(&key, &[i, 1], &[i, 2], &sig), verify_reference(&key, &[i, 1], &[i, 2], &sig));
            assert!(verify(&key, &[i, 1], &[i, 2], &sig).is_ok());
            for at in [0usize, 31, 32, 40, 64, 95] {
                let mut bad = sig;
                bad[at] ^= 1 << (i % 8);
                assert_eq!(verify(&key, &[i, 1], &[i, 2], &bad), verify_reference(&key, &[i, 1], &[i, 2], &bad));
            }
            assert_eq!(verify(&key, &[i, 1], &[i, 3], &sig), Err(CryptoError::VerificationFailure));
        }
    }
}
