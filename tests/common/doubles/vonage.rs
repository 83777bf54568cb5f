//! The vonage double (being written).
