//! The PVM of Gray Paper 0.7.2, Appendix A.
