//! JavaScript bindings of jam-pvm.
