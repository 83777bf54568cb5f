//! The twilio double (being written).
