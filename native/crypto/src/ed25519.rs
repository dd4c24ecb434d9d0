//! Ed25519 signature verification: the paper's set `V_k(m)` of valid signatures (section 3.8.2,
//! which defers to RFC 8032), under the ZIP-215 validation rules that the model's TypeScript
//! reference (`model/crypto/ed25519.ts`) and the public JAM conformance vectors use:
//!
//! - `A` (the key) and `R` (the first half of the signature) must decode to points of the curve;
//!   non-canonical encodings (y >= p, or x = 0 with the sign bit set) are accepted;
//! - `s` (the second half, little-endian) must be less than the group order q;
//! - the cofactored equation `[8][s]B = [8]R + [8][k]A` must hold, with
//!   `k = SHA-512(R || A || m) mod q` taken over the octets as given.
//!
//! `ed25519-zebra` implements exactly these rules; RFC 8032 alone leaves them open, and
//! `ed25519-dalek`'s `verify` is not ZIP-215 (it uses the cofactorless equation).

use ed25519_zebra::{batch, Signature, VerificationKey, VerificationKeyBytes};
use rand_core::OsRng;

/// Octets of an Ed25519 public key.
pub const KEY_LEN: usize = 32;
/// Octets of an Ed25519 signature (`R` then `s`).
pub const SIGNATURE_LEN: usize = 64;

/// Whether `signature` is in `V_key(message)` under the ZIP-215 rules.
pub fn verify(key: &[u8; KEY_LEN], message: &[u8], signature: &[u8; SIGNATURE_LEN]) -> bool {
    // The key decodes once here (A); R, s and the equation are checked by `verify`.
    VerificationKey::try_from(*key)
        .and_then(|a| a.verify(&Signature::from_bytes(signature), message))
        .is_ok()
}

/// One `(key, message, signature)` to verify.
pub type Item<'a> = (&'a [u8; KEY_LEN], &'a [u8], &'a [u8; SIGNATURE_LEN]);

/// [`verify`] of each `(key, message, signature)`, in order: a block's assurances, or its
/// guarantees' credentials, in one call from JavaScript.
///
/// Speed: two or more are first verified together (`all_hold`); only when that fails is each
/// verified alone, to learn which. Together they cost one multi-scalar multiplication with a
/// term per signature and per distinct key (a block's signers are a few validators), where alone
/// each costs a double-scalar multiplication of its own.
pub fn verify_each(items: &[Item<'_>]) -> Vec<bool> {
    if items.len() > 1 && all_hold(items) {
        return vec![true; items.len()];
    }
    items.iter().map(|(key, message, signature)| verify(key, message, signature)).collect()
}

/// Whether every item is in `V_key(message)`, by ZIP-215 batch verification: the cofactored
/// equations of all items, each multiplied by a random 128-bit z_i drawn from the operating
/// system, summed into one, `[8](-sum z_i s_i)B + sum [8][z_i]R_i + sum [8][z_i k_i]A_i = 0`.
/// It holds when each equation holds; when one does not, it fails but with probability 2^-128.
/// Under ZIP-215 the batch and [`verify`] decode A and R, and check s < q, by the same rules, so
/// that the batch answers as the items one by one (ZIP-215's purpose; a property checks it).
fn all_hold(items: &[Item<'_>]) -> bool {
    let mut together = batch::Verifier::new();
    for (key, message, signature) in items {
        together.queue((VerificationKeyBytes::from(**key), Signature::from_bytes(signature), *message));
    }
    together.verify(OsRng).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex<const N: usize>(s: &str) -> [u8; N] {
        let mut out = [0u8; N];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    /// RFC 8032 section 7.1, TEST 1 (the empty message).
    const KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    const SIG: &str = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

    #[test]
    fn rfc8032_test_1() {
        let (key, sig) = (hex::<32>(KEY), hex::<64>(SIG));
        assert!(verify(&key, b"", &sig));
        assert!(!verify(&key, b"x", &sig));
        let mut flipped = sig;
        flipped[0] ^= 1;
        assert!(!verify(&key, b"", &flipped));
    }

    #[test]
    fn together_as_alone() {
        let (key, sig) = (hex::<32>(KEY), hex::<64>(SIG));
        let mut flipped = sig;
        flipped[40] ^= 1;
        let good: Item<'_> = (&key, b"", &sig);
        assert!(all_hold(&[good, good]));
        assert_eq!(verify_each(&[good, good]), [true, true]);
        assert!(!all_hold(&[good, (&key, b"", &flipped)]));
        assert_eq!(verify_each(&[good, (&key, b"", &flipped), good, (&key, b"x", &sig)]), [true, false, true, false]);
    }

    #[test]
    fn small_order_key_and_r_with_zero_s() {
        // The identity (0, 1), canonical and with y = p + 1 (non-canonical): [8]R + [8][k]A = 0 = [8][0]B.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut non_canonical = [0xffu8; 32];
        non_canonical[0] = 0xee;
        non_canonical[31] = 0x7f;
        for a in [identity, non_canonical] {
            let mut sig = [0u8; 64];
            sig[..32].copy_from_slice(&identity);
            assert!(verify(&a, b"dummy", &sig));
        }
    }
}
