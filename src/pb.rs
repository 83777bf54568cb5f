//! Generated protobuf and gRPC code for `proto/verifyd/v1`, its proto3 JSON mapping
//! (serde, from pbjson), and the descriptor set that reflection serves; and the one
//! well-known type whose JSON form pbjson-types gets wrong for us (`wkt::Timestamp`).
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

/// Well-known types of our own.
pub mod wkt {
    use chrono::{DateTime, Utc};

    /// `google.protobuf.Timestamp`, whose proto3 JSON form is exactly protojson's (and
    /// so grpcurl's): UTC with a "Z", and 0, 3, 6 or 9 fractional digits, as in
    /// "2026-12-02T20:20:05.028Z". (pbjson-types' prints "+00:00" instead.) Reading
    /// takes any RFC 3339 offset.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, ::prost::Message)]
    pub struct Timestamp {
        #[prost(int64, tag = "1")]
        pub seconds: i64,
        #[prost(int32, tag = "2")]
        pub nanos: i32,
    }

    impl serde::Serialize for Timestamp {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let nanos = u32::try_from(self.nanos)
                .map_err(|_| serde::ser::Error::custom("Timestamp.nanos is negative"))?;
            let t = DateTime::<Utc>::from_timestamp(self.seconds, nanos)
                .ok_or_else(|| serde::ser::Error::custom("Timestamp out of range"))?;
            let base = t.format("%Y-%m-%dT%H:%M:%S");
            let text = match nanos {
                0 => format!("{base}Z"),
                n if n % 1_000_000 == 0 => format!("{base}.{:03}Z", n / 1_000_000),
                n if n % 1_000 == 0 => format!("{base}.{:06}Z", n / 1_000),
                n => format!("{base}.{n:09}Z"),
            };
            s.serialize_str(&text)
        }
    }

    impl<'de> serde::Deserialize<'de> for Timestamp {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            let t = DateTime::parse_from_rfc3339(&s).map_err(serde::de::Error::custom)?;
            Ok(Self {
                seconds: t.timestamp(),
                nanos: t.timestamp_subsec_nanos() as i32,
            })
        }
    }

    #[cfg(test)]
    mod tests {
        use super::Timestamp;

        #[test]
        fn prints_as_protojson_does() {
            let json =
                |seconds, nanos| serde_json::to_string(&Timestamp { seconds, nanos }).unwrap();
            assert_eq!(json(1_764_706_805, 0), r#""2025-12-02T20:20:05Z""#);
            assert_eq!(
                json(1_764_706_805, 28_000_000),
                r#""2025-12-02T20:20:05.028Z""#
            );
            assert_eq!(json(0, 1_000), r#""1970-01-01T00:00:00.000001Z""#);
            assert_eq!(json(0, 7), r#""1970-01-01T00:00:00.000000007Z""#);
            let back: Timestamp =
                serde_json::from_str(r#""2025-12-02T21:20:05.028+01:00""#).unwrap();
            assert_eq!(
                back,
                Timestamp {
                    seconds: 1_764_706_805,
                    nanos: 28_000_000
                }
            );
        }
    }
}
