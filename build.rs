//! Generates the gRPC code for `proto/verifyd/v1` and the descriptor set that
//! reflection serves. protoc comes vendored, so no system install is needed.
use std::{env, path::PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protoc = protoc_bin_vendored::protoc_bin_path()?;
    // SAFETY: a build script is single-threaded; nothing else reads the environment concurrently.
    unsafe { env::set_var("PROTOC", protoc) };
    let out = PathBuf::from(env::var("OUT_DIR")?);
    tonic_prost_build::configure()
        .file_descriptor_set_path(out.join("verifyd_descriptor.bin"))
        .compile_protos(
            &[
                "proto/verifyd/v1/verify.proto",
                "proto/verifyd/v1/admin.proto",
            ],
            &["proto"],
        )?;
    println!("cargo:rerun-if-changed=proto");
    Ok(())
}
