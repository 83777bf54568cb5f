//! The protobuf codec of every generated service and client: prost's, except that a
//! message that does not decode is `INVALID_ARGUMENT` (reason `MALFORMED_REQUEST`),
//! not `INTERNAL`: the bytes the caller sent are at fault, not the server.

use std::collections::HashMap;

use prost::Message;
use tonic::codec::{BufferSettings, DecodeBuf};
use tonic::{Code, Status};
use tonic_prost::{ProstCodec, ProstDecoder, ProstEncoder};
use tonic_types::{ErrorDetails, StatusExt};

/// prost's codec with decode errors as `INVALID_ARGUMENT`.
#[derive(Debug, Clone)]
pub struct Codec<T, U>(ProstCodec<T, U>);

impl<T, U> Default for Codec<T, U> {
    fn default() -> Self {
        Self(ProstCodec::default())
    }
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
        self.0.encoder()
    }

    fn decoder(&mut self) -> Self::Decoder {
        Decoder(self.0.decoder())
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
