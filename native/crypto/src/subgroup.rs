//! The checked decode of a Bandersnatch point (on the curve, in the prime-order subgroup) with
//! the subgroup test done by two Legendre symbols instead of a multiplication by the order.
//!
//! Why it is exact: Bandersnatch has E(F_q) = Z/2 x Z/2 x Z/r (a.d is a square, so all three
//! points of order 2 are rational), hence the prime-order subgroup is 2E(F_q), the points that
//! can be halved. On the Montgomery form B v^2 = u (u - e2) (u - e3) (the birational image of
//! the twisted Edwards curve, u = (1 + y) / (1 - y)), 2-descent says a point with u outside
//! {0, e2, e3} is a double exactly when B u and B (u - e2) are both squares (the third factor
//! then is too, their product being B^4 v^2). The identity (0, 1) is in the subgroup; the
//! point (0, -1) of order 2 is not; the other two points of order 2 are at infinity on the
//! Edwards form and never decode. A test compares this with ark's own check on random points.

use std::sync::LazyLock;

use ark_vrf::reexports::ark_ec::twisted_edwards::{MontCurveConfig, TECurveConfig};
use ark_vrf::reexports::ark_ec::AffineRepr;
use ark_vrf::reexports::ark_ff::{Field, One, Zero};
use ark_vrf::reexports::ark_serialize::CanonicalDeserialize;
use ark_vrf::suites::bandersnatch::AffinePoint;

type Fq = <AffinePoint as AffineRepr>::BaseField;
type Config = <AffinePoint as AffineRepr>::Config;

/// B of the Montgomery form and e2, a root of u^2 + A u + 1 with A = 2 (a + d) / (a - d):
/// e2 = (-(a + d) + 2 sqrt(a d)) / (a - d).
static MONTGOMERY: LazyLock<(Fq, Fq)> = LazyLock::new(|| {
    let (a, d) = (<Config as TECurveConfig>::COEFF_A, <Config as TECurveConfig>::COEFF_D);
    let sqrt_ad = (a * d).sqrt().expect("a.d is a square on Bandersnatch");
    let e2 = (sqrt_ad + sqrt_ad - (a + d)) / (a - d);
    (<Config as MontCurveConfig>::COEFF_B, e2)
});

/// Whether a point of the curve is in the prime-order subgroup.
fn in_subgroup(p: &AffinePoint) -> bool {
    let (x, y) = (p.x, p.y);
    if y.is_one() {
        return x.is_zero();
    }
    if x.is_zero() {
        return false;
    }
    let (b, e2) = *MONTGOMERY;
    let u = (Fq::one() + y) / (Fq::one() - y);
    (b * u).legendre().is_qr() && (b * (u - e2)).legendre().is_qr()
}

/// A point from its compressed octets when it is on the curve and in the prime-order subgroup:
/// the same answer as ark's checked `deserialize_compressed`, at a tenth of the cost.
pub fn decode(bytes: &[u8]) -> Option<AffinePoint> {
    let p = AffinePoint::deserialize_compressed_unchecked(bytes).ok()?;
    (p.is_on_curve() && in_subgroup(&p)).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_vrf::reexports::ark_serialize::CanonicalSerialize;

    /// Octets from a small xorshift generator: the test needs no randomness crate.
    fn octets(state: &mut u64) -> [u8; 32] {
        let mut out = [0u8; 32];
        for chunk in out.chunks_mut(8) {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        out
    }

    #[test]
    fn agrees_with_ark_on_random_octets_and_points() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let (mut on_curve, mut in_group) = (0, 0);
        for _ in 0..20_000 {
            let bytes = octets(&mut state);
            let ark = AffinePoint::deserialize_compressed(&bytes[..]).ok();
            assert_eq!(decode(&bytes), ark, "on {bytes:02x?}");
            on_curve += AffinePoint::deserialize_compressed_unchecked(&bytes[..]).is_ok() as u32;
            in_group += ark.is_some() as u32;
        }
        // About half the octet strings are on the curve, a quarter of those in the subgroup.
        assert!(on_curve > 8_000 && in_group > 2_000, "{on_curve} on the curve, {in_group} in the subgroup");
        for p in [AffinePoint::zero(), AffinePoint::generator()] {
            let mut bytes = Vec::new();
            p.serialize_compressed(&mut bytes).unwrap();
            assert_eq!(decode(&bytes), Some(p));
        }
        let order_two = AffinePoint::new_unchecked(Fq::zero(), -Fq::one());
        let mut bytes = Vec::new();
        order_two.serialize_compressed(&mut bytes).unwrap();
        assert_eq!(decode(&bytes), None);
        assert!(AffinePoint::deserialize_compressed(&bytes[..]).is_err());
    }
}
