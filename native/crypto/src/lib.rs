//! Bandersnatch VRFs (Gray Paper 0.7.2 Appendix G) through ark-vrf.
