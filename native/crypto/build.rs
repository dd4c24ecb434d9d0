//! Ships the ring-VRF SRS that the `ark-vrf` crate carries in its published package
//! (`data/srs/bls12-381-srs-2-11-uncompressed-zcash.bin`; its API does not expose it), so the
//! ring root and ring verification need no file at run time. `JAM_RING_SRS` overrides the path.

use std::{env, fs, path::PathBuf};

const SRS: &str = "ark-vrf-0.2.1/data/srs/bls12-381-srs-2-11-uncompressed-zcash.bin";

fn registry_candidates() -> Vec<PathBuf> {
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let Some(home) = home else { return vec![] };
    let Ok(registries) = fs::read_dir(home.join("registry").join("src")) else { return vec![] };
    registries.flatten().map(|r| r.path().join(SRS)).collect()
}

fn main() {
    println!("cargo:rerun-if-env-changed=JAM_RING_SRS");
    let found = env::var_os("JAM_RING_SRS")
        .map(PathBuf::from)
        .into_iter()
        .chain(registry_candidates())
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("the ring SRS of ark-vrf 0.2.1 ({SRS}) is not in the cargo registry; set JAM_RING_SRS"));
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR")).join("ring-srs.bin");
    fs::copy(&found, &out).expect("copy the ring SRS");
    println!("cargo:rerun-if-changed={}", found.display());
}
