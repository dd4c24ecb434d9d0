//! The only crate that knows about JavaScript: napi-rs bindings over the core crates.
//! Every error crosses as a JavaScript Error with a stable code; no panic crosses the boundary.

mod background;
mod crypto;
mod ed25519;
mod erasure;
mod hash;
mod pvm;

use napi_derive::napi;

/** The version of the Gray Paper the native engines implement. */
#[napi]
pub fn gray_paper_version() -> String {
    "0.7.2".to_string()
}
