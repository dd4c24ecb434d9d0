//! Reed-Solomon erasure coding over GF(2^16), Gray Paper 0.7.2 Appendix H.
