//! The defence against credential stuffing: a client address that sends many invalid
//! keys or admin tokens in a short time is refused for a while (with
//! RESOURCE_EXHAUSTED and the real time to wait), valid credentials included, while
//! other addresses go on working. Behind a load balancer, a configured header (the
//! right-most address of `X-Forwarded-For`, which the balancer appends) names the
//! client.
//!
//! Per node and in memory, by design: it sits in front of authentication on every
//! call and must cost a map lookup, not a database round trip. A cluster of N nodes
//! lets an address try at most N times the limit before each node refuses it. The
//! table is bounded; when full, addresses with nothing recent are dropped first, and
//! a new address is not tracked rather than growing it.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

use crate::domain::verification::Millis;

/// The most client addresses tracked at once.
pub const TRACKED_MAX: usize = 100_000;

/// The guard's settings.
#[derive(Debug, Clone)]
pub struct GuardConfig {
    /// Invalid credentials within the window that block an address.
    pub limit: u32,
    pub window_ms: i64,
    pub block_ms: i64,
    /// The header that names the client address, lower case; `None`: the peer address.
    pub client_ip_header: Option<String>,
}

#[derive(Debug, Default)]
struct Entry {
    failures: VecDeque<Millis>,
    blocked_until: Millis,
}

/// What the guard says about an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// Refused for this long.
    Blocked {
        retry_after_ms: i64,
    },
}

pub struct CredentialGuard {
    cfg: GuardConfig,
    // std Mutex: held for a lookup and a small update, never across an await.
    entries: Mutex<HashMap<IpAddr, Entry>>,
}

impl CredentialGuard {
    pub fn new(cfg: GuardConfig) -> Self {
        Self {
            cfg,
            entries: Mutex::default(),
        }
    }

    /// The client address of a call: from the configured header when it names one,
    /// else the peer (a call that leaves the header out, or garbles it, is still
    /// counted: against the address it came from).
    pub fn client_addr(
        &self,
        metadata: &tonic::metadata::MetadataMap,
        peer: Option<IpAddr>,
    ) -> Option<IpAddr> {
        let from_header = self.cfg.client_ip_header.as_ref().and_then(|h| {
            let v = metadata.get(h.as_str())?.to_str().ok()?;
            v.rsplit(',').next()?.trim().parse().ok()
        });
        from_header.or(peer)
    }

    pub fn check(&self, ip: IpAddr, now: Millis) -> Verdict {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match entries.get(&ip) {
            Some(e) if e.blocked_until > now => Verdict::Blocked {
                retry_after_ms: e.blocked_until - now,
            },
            _ => Verdict::Pass,
        }
    }

    /// Counts an invalid credential; returns true when this one blocked the address.
    pub fn failed(&self, ip: IpAddr, now: Millis) -> bool {
        if self.cfg.limit == 0 {
            return false;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= TRACKED_MAX && !entries.contains_key(&ip) {
            let window = self.cfg.window_ms;
            entries.retain(|_, e| {
                e.blocked_until > now || e.failures.back().is_some_and(|&t| t > now - window)
            });
            if entries.len() >= TRACKED_MAX {
                return false;
            }
        }
        let e = entries.entry(ip).or_default();
        while e
            .failures
            .front()
            .is_some_and(|&t| t <= now - self.cfg.window_ms)
        {
            e.failures.pop_front();
        }
        e.failures.push_back(now);
        if e.failures.len() >= self.cfg.limit as usize && e.blocked_until <= now {
            e.blocked_until = now + self.cfg.block_ms;
            e.failures.clear();
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_blocks_one_address_only() {
        let g = CredentialGuard::new(GuardConfig {
            limit: 3,
            window_ms: 60_000,
            block_ms: 300_000,
            client_ip_header: None,
        });
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(!g.failed(a, 0));
        assert!(!g.failed(a, 1));
        assert!(g.failed(a, 2));
        assert_eq!(
            g.check(a, 10),
            Verdict::Blocked {
                retry_after_ms: 299_992
            }
        );
        assert_eq!(g.check(b, 10), Verdict::Pass);
        assert_eq!(g.check(a, 300_002), Verdict::Pass);
        // Failures outside the window do not add up.
        assert!(!g.failed(b, 0));
        assert!(!g.failed(b, 60_001));
        assert!(!g.failed(b, 120_002));
    }

    #[test]
    fn the_header_names_the_client_behind_a_balancer() {
        let g = CredentialGuard::new(GuardConfig {
            limit: 3,
            window_ms: 1,
            block_ms: 1,
            client_ip_header: Some("x-forwarded-for".into()),
        });
        let mut m = tonic::metadata::MetadataMap::new();
        m.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().unwrap(),
        );
        assert_eq!(
            g.client_addr(&m, None),
            Some("198.51.100.7".parse().unwrap())
        );
        // Without the header, or with one that names no address: the peer.
        let peer: IpAddr = "192.0.2.44".parse().unwrap();
        let empty = tonic::metadata::MetadataMap::new();
        assert_eq!(g.client_addr(&empty, Some(peer)), Some(peer));
        let mut bad = tonic::metadata::MetadataMap::new();
        bad.insert("x-forwarded-for", "unknown".parse().unwrap());
        assert_eq!(g.client_addr(&bad, Some(peer)), Some(peer));
    }
}
