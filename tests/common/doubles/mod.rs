//! Local stand-ins for delivery providers: HTTP (and SMTP) servers on 127.0.0.1:0
//! that speak each provider's real wire format, check every request exactly, record
//! what they received, and can be told how to answer (accept, refuse, fail, stay
//! silent, answer 500 or 429 with `Retry-After`, or hang). They also produce the
//! provider's signed callbacks, for tests to post to verifyd's ingress.

pub mod smtp;
pub mod telegram;
pub mod twilio;
pub mod vonage;
pub mod whatsapp;
