//! H: Blake2b with a 32-octet output (section 3.8.1 of notation.tex), for the model's hot paths
//! (trie nodes, state keys, extrinsic hashes). `@noble/hashes`' blake2b is its TypeScript twin;
//! `properties/hash.property.test.ts` keeps the two equal.

/// Octets of H's output.
pub const HASH_LEN: usize = 32;

/// H(data): the 32-octet Blake2b hash of `data` (no key, no salt, no personalization).
pub fn blake2b256(data: &[u8]) -> [u8; HASH_LEN] {
    let hash = blake2b_simd::Params::new().hash_length(HASH_LEN).hash(data);
    let mut out = [0u8; HASH_LEN];
    out.copy_from_slice(hash.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input() {
        // Blake2b-256 of the empty string (RFC 7693 parameters, 32-octet output).
        let h = blake2b256(&[]);
        assert_eq!(h[..4], [0x0e, 0x57, 0x51, 0xc0]);
    }
}
