//! JavaScript bindings of jam-crypto.
