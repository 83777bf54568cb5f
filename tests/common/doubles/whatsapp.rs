//! The whatsapp double (being written).
