//! Generated protobuf and gRPC code for `proto/verifyd/v1`, its proto3 JSON mapping
//! (serde, from pbjson), and the descriptor set that reflection serves. Nothing else
//! lives here.
#![allow(clippy::all, clippy::pedantic, missing_docs)]

pub mod verifyd {
    pub mod v1 {
        tonic::include_proto!("verifyd.v1");
        include!(concat!(env!("OUT_DIR"), "/verifyd.v1.serde.rs"));
    }
}

pub use verifyd::v1::*;

/// Every file of the verifyd protos, imports included, for gRPC reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("verifyd_descriptor");
