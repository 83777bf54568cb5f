//! Hostile and excessive input through the real gRPC edge: bodies that are not
//! protobuf, requests over the size limit, and more watch streams than a tenant may
//! hold. Each gets a clear status; none costs the server more than its limits.

mod common;

use bytes::{Buf, BufMut};
use common::*;
use tonic::Code;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};
use verifyd::pb::{self, Channel::*};

/// Sends bytes as they are, and takes any answer as bytes.
#[derive(Default, Clone)]
struct Raw;

impl Codec for Raw {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = Raw;
    type Decoder = Raw;
    fn encoder(&mut self) -> Raw {
        Raw
    }
    fn decoder(&mut self) -> Raw {
        Raw
    }
}

impl Encoder for Raw {
    type Item = Vec<u8>;
    type Error = tonic::Status;
    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), tonic::Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for Raw {
    type Item = Vec<u8>;
    type Error = tonic::Status;
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, tonic::Status> {
        let mut out = vec![0; src.remaining()];
        src.copy_to_slice(&mut out);
        Ok(Some(out))
    }
}

async fn raw_call(c: &Client, path: &'static str, body: Vec<u8>) -> Result<Vec<u8>, tonic::Status> {
    let mut grpc = tonic::client::Grpc::new(c.channel.clone());
    grpc.ready().await.expect("ready");
    grpc.unary(req(body), http::uri::PathAndQuery::from_static(path), Raw)
        .await
        .map(tonic::Response::into_inner)
}

#[tokio::test]
async fn a_body_that_is_not_protobuf_is_invalid_argument() {
    let ts = TestServer::start().await;
    for (path, body) in [
        ("/verifyd.v1.VerifyService/StartVerification", vec![0xff; 7]),
        // Field 1 (id) says 100 bytes follow; 3 do.
        (
            "/verifyd.v1.VerifyService/CheckCode",
            vec![0x0a, 100, b'a', b'b', b'c'],
        ),
        (
            "/verifyd.v1.VerifyService/GetVerification",
            vec![0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        ),
    ] {
        let err = raw_call(&ts, path, body).await.unwrap_err();
        assert_status(&err, Code::InvalidArgument, "MALFORMED_REQUEST");
    }
    // The server is none the worse.
    let v = ts
        .start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    assert!(!v.id.is_empty());
    ts.stop().await;
}

#[tokio::test]
async fn a_request_over_the_size_limit_is_refused_before_it_is_decoded() {
    let ts = TestServer::start_with(&["--max-request-bytes", "8192"]).await;
    let mut r = start_req(&magic(0, 0, 0, 0), &[Sms]);
    r.payload = "x".repeat(9000);
    let err = ts.start_v(r).await.unwrap_err();
    assert!(err.code() == Code::OutOfRange, "{err:?}");
    assert!(err.message().contains("too large"), "{err:?}");
    // Under the limit, the same request is judged on its content.
    let mut r = start_req(&magic(0, 0, 0, 0), &[Sms]);
    r.payload = "x".repeat(5000); // over payload's 4096-byte limit
    let err = ts.start_v(r).await.unwrap_err();
    assert_status(&err, Code::InvalidArgument, "VALIDATION_FAILED");
    assert_eq!(details(&err).1, vec!["payload".to_owned()]);
    ts.stop().await;
}

#[tokio::test]
async fn a_tenant_holds_at_most_its_share_of_watch_streams() {
    let ts = TestServer::start_with(&["--max-watch-streams-per-tenant", "2"]).await;
    let watch = || {
        let mut c = ts.verify();
        async move {
            c.watch_status(req(pb::WatchStatusRequest { id: String::new() }))
                .await
        }
    };
    let first = watch().await.unwrap().into_inner();
    let _second = watch().await.unwrap().into_inner();
    let err = watch().await.unwrap_err();
    assert_status(&err, Code::ResourceExhausted, "TOO_MANY_WATCHERS");
    assert!(
        tonic_types::StatusExt::get_details_retry_info(&err).is_some(),
        "{err:?}"
    );
    // Other calls are not affected.
    let v = ts
        .start_v(start_req(&magic(0, 0, 0, 0), &[Sms]))
        .await
        .unwrap();
    ts.get(&v.id).await;
    // Closing a stream gives its slot back.
    drop(first);
    until("the closed stream's slot to be free", || async {
        watch().await.is_ok()
    })
    .await;
    ts.stop().await;
}
