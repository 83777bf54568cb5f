//! The telegram double (being written).
