//! Generates the gRPC code for `proto/verifyd/v1` and the descriptor set that
//! reflection serves, and the proto3 JSON mapping of every message (pbjson).
//! protoc comes vendored, so no system install is needed.
use std::{env, path::PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protoc = protoc_bin_vendored::protoc_bin_path()?;
    // SAFETY: a build script is single-threaded; nothing else reads the environment concurrently.
    unsafe { env::set_var("PROTOC", protoc) };
    let out = PathBuf::from(env::var("OUT_DIR")?);
    // Well-known types come from pbjson-types, so that every message also gets the
    // proto3 JSON mapping (the one grpcurl prints), which webhook bodies use.
    let descriptors = out.join("verifyd_descriptor.bin");
    tonic_prost_build::configure()
        .file_descriptor_set_path(&descriptors)
        .compile_well_known_types(true)
        // prost's codec, but a body that does not decode is INVALID_ARGUMENT.
        .codec_path("crate::api::codec::Codec")
        .extern_path(".google.protobuf", "::pbjson_types")
        // Timestamps print as protojson does ("Z"); see pb::wkt.
        .extern_path(".google.protobuf.Timestamp", "crate::pb::wkt::Timestamp")
        .compile_protos(
            &[
                "proto/verifyd/v1/verify.proto",
                "proto/verifyd/v1/admin.proto",
            ],
            &["proto"],
        )?;
    pbjson_build::Builder::new()
        .register_descriptors(&std::fs::read(&descriptors)?)?
        .build(&[".verifyd.v1"])?;
    println!("cargo:rerun-if-changed=proto");
    Ok(())
}
