//! H_K: Keccak-256 (section 3.8.1 of notation.tex), for the MMR of recent history (E.8, E.10).
//! `@noble/hashes`' keccak_256 is its TypeScript twin; `properties/hash.property.test.ts` keeps
//! the two equal.

use sha3::{Digest, Keccak256};

/// H_K(data): the 32-octet Keccak-256 hash of `data` (the original Keccak padding, not SHA3-256's).
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input() {
        // Keccak-256 of the empty string: c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470.
        assert_eq!(keccak256(&[])[..4], [0xc5, 0xd2, 0x46, 0x01]);
    }
}
