//! A codec that sends and receives raw bytes, for bodies no generated client would
//! produce: garbage, truncated messages, oversized ones.

use bytes::{Buf, BufMut, Bytes};
use tonic::Status;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};

#[derive(Debug, Clone, Copy, Default)]
pub struct RawCodec;

pub struct RawEncoder;
pub struct RawDecoder;

impl Codec for RawCodec {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = RawEncoder;
    type Decoder = RawDecoder;

    fn encoder(&mut self) -> Self::Encoder {
        RawEncoder
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawDecoder
    }
}

impl Encoder for RawEncoder {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawDecoder {
    type Item = Bytes;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
}

/// Sends `body` to `path` (e.g. `/verifyd.v1.VerifyService/StartVerification`) as one
/// unary call and returns the status code's name, or `OK`.
pub async fn call(
    channel: tonic::transport::Channel,
    path: &'static str,
    body: Bytes,
    bearer: &str,
    deadline: std::time::Duration,
) -> String {
    let mut grpc = tonic::client::Grpc::new(channel);
    if let Err(e) = grpc.ready().await {
        return format!("not-ready: {e}");
    }
    let mut req = tonic::Request::new(body);
    req.set_timeout(deadline);
    if let Ok(v) = format!("Bearer {bearer}").parse() {
        req.metadata_mut().insert("authorization", v);
    }
    if let Ok(v) = crate::server::TENANT.parse() {
        req.metadata_mut().insert("x-tenant-id", v);
    }
    match grpc
        .unary(req, http::uri::PathAndQuery::from_static(path), RawCodec)
        .await
    {
        Ok(_) => "OK".into(),
        Err(s) => crate::load::status_name(&s),
    }
}
