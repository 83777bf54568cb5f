//! The protobuf codec of every generated service and client: prost's, except that a
//! message that does not decode is `INVALID_ARGUMENT` (reason `MALFORMED_REQUEST`),
//! not `INTERNAL`: the bytes the caller sent are at fault, not the server; and that
//! each call's buffers start at 1 KiB instead of tonic's 8 KiB (they grow as a message
//! needs): our messages are far smaller, and a `WatchStatus` stream keeps its encode
//! buffer as long as it lives (10,000 watchers held 80 MiB of mostly empty buffers).

use std::collections::HashMap;

use prost::Message;
use tonic::codec::{BufferSettings, DecodeBuf};
use tonic::{Code, Status};
use tonic_prost::{ProstDecoder, ProstEncoder};
use tonic_types::{ErrorDetails, StatusExt};

/// prost's codec with decode errors as `INVALID_ARGUMENT`.
pub struct Codec<T, U>(std::marker::PhantomData<fn() -> (T, U)>);

impl<T, U> Default for Codec<T, U> {
    fn default() -> Self {
        Self(std::marker::PhantomData)
    }
}

impl<T, U> Clone for Codec<T, U> {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl<T, U> std::fmt::Debug for Codec<T, U> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Codec")
    }
}

/// The first size of a call's encode and decode buffers, and tonic's yield threshold.
fn buffers() -> BufferSettings {
    BufferSettings::new(1024, 32 * 1024)
}

impl<T, U> tonic::codec::Codec for Codec<T, U>
where
    T: Message + Send + 'static,
    U: Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = Decoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstEncoder::new(buffers())
    }

    fn decoder(&mut self) -> Self::Decoder {
        Decoder(ProstDecoder::new(buffers()))
    }
}

/// prost's decoder with decode errors as `INVALID_ARGUMENT`.
#[derive(Debug, Clone)]
pub struct Decoder<U>(ProstDecoder<U>);

impl<U: Message + Default> tonic::codec::Decoder for Decoder<U> {
    type Item = U;
    type Error = Status;

    fn decode(&mut self, buf: &mut DecodeBuf<'_>) -> Result<Option<U>, Status> {
        self.0.decode(buf).map_err(|e| {
            let details = ErrorDetails::with_error_info(
                "MALFORMED_REQUEST",
                super::error::DOMAIN,
                HashMap::<String, String>::new(),
            );
            Status::with_error_details(
                Code::InvalidArgument,
                format!(
                    "the message is not valid protobuf for this method: {}",
                    e.message()
                ),
                details,
            )
        })
    }

    fn buffer_settings(&self) -> BufferSettings {
        self.0.buffer_settings()
    }
}
