//! The smtp double (being written).
