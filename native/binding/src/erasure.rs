//! JavaScript bindings of jam-erasure.
