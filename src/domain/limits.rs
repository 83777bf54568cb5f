//! Limits and abuse defences, as pure rules: a tenant's limit settings and their
//! defaults, the counters the store keeps for them, and every decision taken on those
//! counters (rolling windows, concurrency, daily spend, the pumping auto-block, the
//! failed-check lockout), plus the number-type and country rules.
//!
//! The store runs these decisions atomically with the write they guard (the insert of
//! a verification, the commit of a check), on every backend, so limits hold across
//! nodes and restarts. Nothing here does I/O or reads a clock: `now` is an argument.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::channel::Channel;
use super::verification::Millis;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// The kinds of phone number a tenant may refuse, from libphonenumber's type data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NumberType {
    PremiumRate,
    SharedCost,
    TollFree,
    Uan,
    Pager,
    Voicemail,
    Voip,
    PersonalNumber,
    FixedLine,
    Mobile,
}

impl NumberType {
    /// Refused unless a tenant says otherwise: the types toll fraud goes through.
    pub const REFUSED_BY_DEFAULT: [NumberType; 6] = [
        NumberType::PremiumRate,
        NumberType::SharedCost,
        NumberType::TollFree,
        NumberType::Uan,
        NumberType::Pager,
        NumberType::Voicemail,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NumberType::PremiumRate => "premium-rate",
            NumberType::SharedCost => "shared-cost",
            NumberType::TollFree => "toll-free",
            NumberType::Uan => "UAN",
            NumberType::Pager => "pager",
            NumberType::Voicemail => "voicemail",
            NumberType::Voip => "VoIP",
            NumberType::PersonalNumber => "personal",
            NumberType::FixedLine => "fixed-line",
            NumberType::Mobile => "mobile",
        }
    }
}

/// The SMS-pumping auto-block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pumping {
    pub enabled: bool,
    /// The rolling window sends and verified checks are counted over.
    pub window_sec: u32,
    /// Below this many sends in the window, nothing is judged.
    pub min_sends: u32,
    /// Verified checks per hundred sends under which a prefix is blocked.
    pub min_conversion_percent: u32,
    /// The first block's length; each repeat doubles it (at most 32 times as long).
    pub block_sec: u32,
}

impl Default for Pumping {
    fn default() -> Self {
        Self {
            enabled: true,
            window_sec: 3600,
            min_sends: 20,
            min_conversion_percent: 10,
            block_sec: 12 * 3600,
        }
    }
}

/// A tenant's limits. Zero means "no limit" for the counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Starts per phone number or email address per rolling hour (TryVox: 5).
    pub starts_per_destination_per_hour: u32,
    /// Verifications whose delivery has not finished, per tenant (TryVox: 10).
    pub concurrent_in_delivery: u32,
    /// Consecutive failed checks per destination, across its verifications
    /// (NIST SP 800-63B: at most 100). Only a verified check resets the count.
    pub failed_checks_per_destination: u32,
    /// How long a destination stays locked once it reached that count, after its
    /// last failed check.
    pub failed_checks_lockout_sec: u32,
    /// Most euro cents a tenant's starts may cost per UTC day; `None`: no cap.
    pub daily_spend_cap_cents: Option<i64>,
    /// Phone number types refused before anything is sent.
    pub refused_number_types: Vec<NumberType>,
    /// Per channel, the countries (ISO 3166-1 alpha-2) it may send to; a channel not
    /// listed may send anywhere.
    pub geo_permissions: Vec<(Channel, Vec<String>)>,
    pub pumping: Pumping,
    /// Numbers, or prefixes ending in `*`, that the pumping block never blocks.
    pub safe_list: Vec<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            starts_per_destination_per_hour: 5,
            concurrent_in_delivery: 10,
            failed_checks_per_destination: 100,
            failed_checks_lockout_sec: 24 * 3600,
            daily_spend_cap_cents: None,
            refused_number_types: NumberType::REFUSED_BY_DEFAULT.to_vec(),
            geo_permissions: Vec::new(),
            pumping: Pumping::default(),
            safe_list: Vec::new(),
        }
    }
}

/// The state behind one limit key, as the store keeps it. One shape serves every
/// limit; each uses the fields it needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counter {
    /// A count or a sum.
    pub n: i64,
    /// Times of events in a rolling window (starts; pumping: sends).
    pub times: Vec<Millis>,
    /// Times of a second kind of event (pumping: verified checks).
    pub marks: Vec<Millis>,
    /// Until when a block or lockout holds.
    pub until: Millis,
    /// How many blocks there were (pumping), for the doubling.
    pub strikes: u32,
    /// When `n` last changed (failed checks: the lockout runs from here).
    pub at: Millis,
}

impl Counter {
    /// The last moment this counter holds anything about: its last change, its last
    /// event, or the end of its block or lockout. Retention deletes a counter whose
    /// moment lies further back than every window and block (see `store::purge`).
    /// A count that says nothing about when it last changed (written before counts
    /// carried their time) is kept for ever: `Millis::MAX`.
    pub fn last_relevant(&self) -> Millis {
        if self.n != 0 && self.at == 0 {
            return Millis::MAX;
        }
        self.times
            .iter()
            .chain(&self.marks)
            .copied()
            .chain([self.at, self.until])
            .max()
            .unwrap_or(0)
    }
}

/// The counters a decision reads and writes, by key.
pub type Counters = BTreeMap<String, Counter>;

/// Why a request was refused, for the caller (and the audit log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The `ErrorInfo` reason, e.g. `RATE_LIMITED`.
    pub reason: &'static str,
    pub message: String,
    /// The real time to wait before the same request can succeed, if it can.
    pub retry_after_ms: Option<i64>,
    /// A pumping block that this refusal created (and the store must keep).
    pub new_block: Option<Box<Block>>,
}

/// A blocked number prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub tenant_id: String,
    pub country_iso: String,
    pub prefix: String,
    pub since: Millis,
    pub until: Millis,
    pub strikes: u32,
    pub sends: u32,
    pub verified: u32,
}

/// Phone numbers of France's range reserved for fiction, `+33 1 99 00 …`, which the
/// sandbox's magic numbers use: no one can be reached on them.
pub const FICTION_PREFIX: &str = "+3319900";

/// Email domains reserved for documentation and tests (RFC 2606, RFC 6761).
const RESERVED_DOMAINS: [&str; 3] = ["example.com", "example.org", "example.net"];
const RESERVED_TLDS: [&str; 4] = [".test", ".example", ".invalid", ".localhost"];

/// Whether a destination can only be test traffic: a number in the fiction range or
/// an address at a reserved domain. Such traffic is not counted against the limits
/// (like a provider's test credentials), so demos and test suites are never rate
/// limited; the failed-check lockout still applies to it.
pub fn is_test_destination(d: &str) -> bool {
    if d.starts_with('+') {
        return d.starts_with(FICTION_PREFIX);
    }
    let domain = d
        .rsplit_once('@')
        .map_or("", |(_, dom)| dom)
        .to_ascii_lowercase();
    RESERVED_DOMAINS.contains(&domain.as_str()) || RESERVED_TLDS.iter().any(|t| domain.ends_with(t))
}

pub const RATE_LIMITED: &str = "RATE_LIMITED";
pub const TOO_MANY_IN_DELIVERY: &str = "TOO_MANY_IN_DELIVERY";
pub const SPEND_CAP_REACHED: &str = "SPEND_CAP_REACHED";
pub const PREFIX_BLOCKED: &str = "PREFIX_BLOCKED";
pub const TOO_MANY_FAILED_CHECKS: &str = "TOO_MANY_FAILED_CHECKS";

/// What a start is about, for its limits.
#[derive(Debug, Clone)]
pub struct StartFacts {
    pub tenant_id: String,
    /// Every phone number and email address the strategy sends to.
    pub destinations: Vec<String>,
    /// For a phone recipient: its country and prefix.
    pub phone: Option<PhoneFacts>,
    pub now: Millis,
}

/// Where a phone number is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneFacts {
    pub number: String,
    pub country_iso: String,
    /// The number without its last four digits.
    pub prefix: String,
}

pub fn destination_key(tenant: &str, destination: &str) -> String {
    format!("dest/{tenant}/{destination}")
}

pub fn delivering_key(tenant: &str) -> String {
    format!("delivering/{tenant}")
}

pub fn spend_key(tenant: &str, now: Millis) -> String {
    format!("spend/{tenant}/{}", now.div_euclid(DAY_MS))
}

pub fn pumping_key(tenant: &str, country: &str, prefix: &str) -> String {
    format!("pump/{tenant}/{country}/{prefix}")
}

pub fn failed_checks_key(tenant: &str, destination: &str) -> String {
    format!("fails/{tenant}/{destination}")
}

/// The keys a start's decision reads.
pub fn start_keys(f: &StartFacts) -> Vec<String> {
    let t = f.tenant_id.as_str();
    let mut keys: Vec<String> = f
        .destinations
        .iter()
        .map(|d| destination_key(t, d))
        .collect();
    keys.push(delivering_key(t));
    keys.push(spend_key(t, f.now));
    if let Some(p) = &f.phone {
        keys.push(pumping_key(t, &p.country_iso, &p.prefix));
    }
    keys.sort();
    keys.dedup();
    keys
}

fn until_midnight(now: Millis) -> i64 {
    DAY_MS - now.rem_euclid(DAY_MS)
}

fn in_window(times: &mut Vec<Millis>, now: Millis, window: i64) {
    times.retain(|&t| t > now - window);
}

fn is_safe(limits: &Limits, number: &str) -> bool {
    limits.safe_list.iter().any(|s| match s.strip_suffix('*') {
        Some(prefix) => number.starts_with(prefix),
        None => s == number,
    })
}

/// Decides whether a start may go ahead, and counts it. On `Ok` every counter in
/// `c` is as it must be stored with the new verification. On `Err` nothing may be
/// stored, except the counters of a block the refusal created (`new_block`).
pub fn admit_start(limits: &Limits, f: &StartFacts, c: &mut Counters) -> Result<(), Refusal> {
    let now = f.now;
    let tenant = f.tenant_id.as_str();
    if f.destinations.iter().all(|d| is_test_destination(d)) {
        return Ok(());
    }
    // A blocked prefix first: it says the most about what is going on.
    if let Some(p) = &f.phone
        && limits.pumping.enabled
        && !is_safe(limits, &p.number)
    {
        let k = pumping_key(tenant, &p.country_iso, &p.prefix);
        let pc = c.entry(k).or_default();
        if pc.until > now {
            return Err(prefix_blocked(p, pc.until, now, None));
        }
        let window = i64::from(limits.pumping.window_sec) * 1000;
        in_window(&mut pc.times, now, window);
        in_window(&mut pc.marks, now, window);
        let sends = pc.times.len() as u64;
        let verified = pc.marks.len() as u64;
        if sends >= u64::from(limits.pumping.min_sends.max(1))
            && verified * 100 < sends * u64::from(limits.pumping.min_conversion_percent)
        {
            let factor = 1i64 << pc.strikes.min(5);
            pc.until = now + i64::from(limits.pumping.block_sec) * 1000 * factor;
            pc.strikes += 1;
            let block = Block {
                tenant_id: tenant.to_owned(),
                country_iso: p.country_iso.clone(),
                prefix: p.prefix.clone(),
                since: now,
                until: pc.until,
                strikes: pc.strikes,
                sends: sends as u32,
                verified: verified as u32,
            };
            return Err(prefix_blocked(p, pc.until, now, Some(Box::new(block))));
        }
    }
    if let Some(cap) = limits.daily_spend_cap_cents {
        let spent = c.get(&spend_key(tenant, now)).map_or(0, |s| s.n);
        if spent >= cap {
            return Err(Refusal {
                reason: SPEND_CAP_REACHED,
                message: format!(
                    "the tenant's daily spend cap of {cap} euro cents is reached ({spent} spent today, UTC)"
                ),
                retry_after_ms: Some(until_midnight(now)),
                new_block: None,
            });
        }
    }
    if limits.concurrent_in_delivery > 0 {
        let n = c.get(&delivering_key(tenant)).map_or(0, |d| d.n);
        if n >= i64::from(limits.concurrent_in_delivery) {
            return Err(Refusal {
                reason: TOO_MANY_IN_DELIVERY,
                message: format!(
                    "{n} verifications of the tenant are still being delivered, the most it may have at once"
                ),
                // Delivery steps end within seconds to minutes; retry soon.
                retry_after_ms: Some(1000),
                new_block: None,
            });
        }
    }
    if limits.starts_per_destination_per_hour > 0 {
        for d in &f.destinations {
            let dc = c.entry(destination_key(tenant, d)).or_default();
            in_window(&mut dc.times, now, HOUR_MS);
            if dc.times.len() >= limits.starts_per_destination_per_hour as usize {
                let oldest = dc.times.iter().copied().min().unwrap_or(now);
                return Err(Refusal {
                    reason: RATE_LIMITED,
                    message: format!(
                        "{} verifications were started for {d} in the last hour, the most allowed",
                        dc.times.len()
                    ),
                    retry_after_ms: Some((oldest + HOUR_MS - now).max(1)),
                    new_block: None,
                });
            }
        }
    }
    // Admitted: count it.
    for d in &f.destinations {
        c.entry(destination_key(tenant, d))
            .or_default()
            .times
            .push(now);
    }
    let d = c.entry(delivering_key(tenant)).or_default();
    d.n += 1;
    d.at = now;
    if let Some(p) = &f.phone {
        c.entry(pumping_key(tenant, &p.country_iso, &p.prefix))
            .or_default()
            .times
            .push(now);
    }
    Ok(())
}

fn prefix_blocked(p: &PhoneFacts, until: Millis, now: Millis, new: Option<Box<Block>>) -> Refusal {
    Refusal {
        reason: PREFIX_BLOCKED,
        message: format!(
            "numbers starting {} ({}) are blocked after a pattern of sends that are not verified (SMS pumping)",
            p.prefix, p.country_iso
        ),
        retry_after_ms: Some(until - now),
        new_block: new,
    }
}

/// What a committed change does to the counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Adjust {
    /// Delivery ended (success, failure or error): one fewer in delivery.
    pub delivery_ended: bool,
    /// Euro cents newly charged.
    pub charged: i64,
    /// A wrong code was checked.
    pub failed_check: bool,
    /// The code was verified.
    pub verified: bool,
}

impl Adjust {
    pub fn is_empty(&self) -> bool {
        *self == Adjust::default()
    }
}

/// The keys an adjustment touches.
pub fn adjust_keys(
    tenant: &str,
    destinations: &[&str],
    phone: Option<&PhoneFacts>,
    a: &Adjust,
    now: Millis,
) -> Vec<String> {
    let mut keys = Vec::new();
    if a.delivery_ended {
        keys.push(delivering_key(tenant));
    }
    if a.charged != 0 {
        keys.push(spend_key(tenant, now));
    }
    if a.failed_check || a.verified {
        keys.extend(destinations.iter().map(|d| failed_checks_key(tenant, d)));
    }
    if a.verified
        && let Some(p) = phone
    {
        keys.push(pumping_key(tenant, &p.country_iso, &p.prefix));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Applies a committed change to the counters.
pub fn apply_adjust(
    tenant: &str,
    destinations: &[&str],
    phone: Option<&PhoneFacts>,
    a: &Adjust,
    now: Millis,
    c: &mut Counters,
) {
    if a.delivery_ended {
        let d = c.entry(delivering_key(tenant)).or_default();
        d.n = (d.n - 1).max(0);
        d.at = now;
    }
    if a.charged != 0 {
        let s = c.entry(spend_key(tenant, now)).or_default();
        s.n += a.charged;
        s.at = now;
    }
    for d in destinations {
        let fc = c.entry(failed_checks_key(tenant, d)).or_default();
        if a.verified {
            *fc = Counter::default();
        } else if a.failed_check {
            fc.n += 1;
            fc.at = now;
        }
    }
    if a.verified
        && let Some(p) = phone
    {
        c.entry(pumping_key(tenant, &p.country_iso, &p.prefix))
            .or_default()
            .marks
            .push(now);
    }
}

/// Whether checks against `destination` are locked out, given its counter.
pub fn check_lockout(
    limits: &Limits,
    destination: &str,
    fc: &Counter,
    now: Millis,
) -> Option<Refusal> {
    let cap = i64::from(limits.failed_checks_per_destination);
    if cap == 0 || fc.n < cap {
        return None;
    }
    let until = fc.at + i64::from(limits.failed_checks_lockout_sec) * 1000;
    if until <= now {
        return None;
    }
    Some(Refusal {
        reason: TOO_MANY_FAILED_CHECKS,
        message: format!(
            "{} consecutive wrong codes were checked for {destination}; checks are locked until a while after the last one",
            fc.n
        ),
        retry_after_ms: Some(until - now),
        new_block: None,
    })
}

/// The lockout of the first of `destinations` whose checks are locked out, given
/// the counters (each destination's `failed_checks_key`; a missing one counts none).
/// A check asks before it compares, and again in its own write, on the counters as
/// they are there: so the cap holds however many checks run at once.
pub fn destinations_lockout(
    limits: &Limits,
    tenant: &str,
    destinations: &[&str],
    c: &Counters,
    now: Millis,
) -> Option<Refusal> {
    let none = Counter::default();
    destinations.iter().find_map(|d| {
        let fc = c.get(&failed_checks_key(tenant, d)).unwrap_or(&none);
        check_lockout(limits, d, fc, now)
    })
}

/// How long to hold a check's answer back, given how many consecutive failures its
/// destination has: nothing for the first ten, then growing to `max_ms` as the count
/// nears the cap, so guessing slows down long before the lockout.
pub fn check_slowdown_ms(limits: &Limits, failures: i64, max_ms: u64) -> u64 {
    let cap = i64::from(limits.failed_checks_per_destination);
    if cap == 0 || failures <= 10 {
        return 0;
    }
    let over = (failures - 10) as u64;
    let span = (cap - 10).max(1) as u64;
    (max_ms.saturating_mul(over) / span).min(max_ms)
}

/// A phone number's country and prefix.
pub fn phone_facts(number: &str) -> Option<PhoneFacts> {
    let n = phonenumber::parse(None, number).ok()?;
    let country_iso = n.country().id().map(|id| format!("{id:?}"))?;
    let digits = number.strip_prefix('+').unwrap_or(number);
    let keep = digits.len().saturating_sub(4);
    Some(PhoneFacts {
        number: number.to_owned(),
        country_iso,
        prefix: format!("+{}", &digits[..keep]),
    })
}

/// A phone number's type, among those a tenant may refuse.
pub fn number_type(number: &str) -> Option<NumberType> {
    use phonenumber::Type as T;
    let n = phonenumber::parse(None, number).ok()?;
    Some(match n.number_type(&phonenumber::metadata::DATABASE) {
        T::PremiumRate => NumberType::PremiumRate,
        T::SharedCost => NumberType::SharedCost,
        T::TollFree => NumberType::TollFree,
        T::Uan => NumberType::Uan,
        T::Pager => NumberType::Pager,
        T::Voicemail => NumberType::Voicemail,
        T::Voip => NumberType::Voip,
        T::PersonalNumber => NumberType::PersonalNumber,
        T::FixedLine => NumberType::FixedLine,
        T::Mobile | T::FixedLineOrMobile => NumberType::Mobile,
        _ => return None,
    })
}

/// The channel of the strategy, if any, that may not send to `country` (geo
/// permissions), with its index.
pub fn geo_refusal(
    limits: &Limits,
    channels: &[Channel],
    country: &str,
) -> Option<(usize, Channel)> {
    channels.iter().enumerate().find_map(|(i, &ch)| {
        let allowed = limits.geo_permissions.iter().find(|(c, _)| *c == ch)?;
        (!allowed.1.iter().any(|c| c.eq_ignore_ascii_case(country))).then_some((i, ch))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Millis = 1_700_000_000_000;

    #[test]
    fn every_count_says_when_it_last_changed_so_retention_keeps_live_ones() {
        let mut c = Counters::new();
        assert!(admit_start(&Limits::default(), &facts("+33612345678", T0), &mut c).is_ok());
        let adjust = Adjust {
            charged: 8,
            ..Default::default()
        };
        apply_adjust("t", &["+33612345678"], None, &adjust, T0 + 5, &mut c);
        // Every counter that holds something: an empty one is worth nothing.
        for (k, v) in &c {
            assert!(
                *v == Counter::default() || v.last_relevant() >= T0,
                "{k} would be purged at once: {v:?}"
            );
        }
        // A count with no time (written by an older build) is never purged.
        let legacy = Counter {
            n: 3,
            ..Default::default()
        };
        assert_eq!(legacy.last_relevant(), Millis::MAX);
        assert_eq!(Counter::default().last_relevant(), 0);
    }

    fn facts(dest: &str, now: Millis) -> StartFacts {
        StartFacts {
            tenant_id: "t".into(),
            destinations: vec![dest.into()],
            phone: phone_facts(dest),
            now,
        }
    }

    #[test]
    fn five_starts_per_hour_then_the_real_wait() {
        let l = Limits::default();
        let mut c = Counters::new();
        for i in 0..5 {
            admit_start(&l, &facts("+33639980001", T0 + i * 60_000), &mut c).unwrap();
            apply_adjust(
                "t",
                &[],
                None,
                &Adjust {
                    delivery_ended: true,
                    ..Default::default()
                },
                T0,
                &mut c,
            );
        }
        let r = admit_start(&l, &facts("+33639980001", T0 + 300_000), &mut c).unwrap_err();
        assert_eq!(r.reason, RATE_LIMITED);
        assert_eq!(r.retry_after_ms, Some(HOUR_MS - 300_000));
        // Another destination is not affected; the first frees up after an hour.
        admit_start(&l, &facts("+33639980002", T0 + 300_000), &mut c).unwrap();
        admit_start(&l, &facts("+33639980001", T0 + HOUR_MS + 1), &mut c).unwrap();
    }

    #[test]
    fn concurrency_and_spend() {
        let l = Limits {
            starts_per_destination_per_hour: 0,
            daily_spend_cap_cents: Some(20),
            ..Default::default()
        };
        let mut c = Counters::new();
        for _ in 0..10 {
            admit_start(&l, &facts("+33639980001", T0), &mut c).unwrap();
        }
        let r = admit_start(&l, &facts("+33639980001", T0), &mut c).unwrap_err();
        assert_eq!(r.reason, TOO_MANY_IN_DELIVERY);
        let end = Adjust {
            delivery_ended: true,
            charged: 20,
            ..Default::default()
        };
        apply_adjust("t", &[], None, &end, T0, &mut c);
        let r = admit_start(&l, &facts("+33639980001", T0), &mut c).unwrap_err();
        assert_eq!(r.reason, SPEND_CAP_REACHED);
        assert_eq!(r.retry_after_ms, Some(until_midnight(T0)));
        // A new UTC day starts from zero.
        admit_start(&l, &facts("+33639980001", T0 + DAY_MS), &mut c).unwrap();
    }

    #[test]
    fn pumping_blocks_a_prefix_that_never_verifies() {
        let l = Limits {
            starts_per_destination_per_hour: 0,
            concurrent_in_delivery: 0,
            ..Default::default()
        };
        let mut c = Counters::new();
        // 20 sends to one prefix, 1 verified: 5 % conversion, under the 10 % floor.
        for i in 0..20 {
            admit_start(&l, &facts(&format!("+3363998{:04}", i), T0 + i), &mut c).unwrap();
        }
        let p = phone_facts("+33639980000").unwrap();
        let v = Adjust {
            verified: true,
            ..Default::default()
        };
        apply_adjust("t", &[], Some(&p), &v, T0 + 30, &mut c);
        let r = admit_start(&l, &facts("+33639985555", T0 + 40), &mut c).unwrap_err();
        assert_eq!(r.reason, PREFIX_BLOCKED);
        let b = r.new_block.expect("a new block");
        assert_eq!(
            (b.prefix.as_str(), b.country_iso.as_str()),
            ("+3363998", "FR")
        );
        assert_eq!(b.until, T0 + 40 + 12 * HOUR_MS);
        // Blocked now, without a new block; another prefix is fine.
        let again = admit_start(&l, &facts("+33639981234", T0 + 50), &mut c).unwrap_err();
        assert!(again.new_block.is_none());
        admit_start(&l, &facts("+33612345678", T0 + 50), &mut c).unwrap();
        // A safe-listed number is never blocked.
        let safe = Limits {
            safe_list: vec!["+3363998*".into()],
            ..l.clone()
        };
        admit_start(&safe, &facts("+33639981234", T0 + 60), &mut c).unwrap();
    }

    #[test]
    fn test_traffic_is_not_counted() {
        let l = Limits::default();
        let mut c = Counters::new();
        for _ in 0..50 {
            admit_start(&l, &facts("+33199001110", T0), &mut c).unwrap();
        }
        assert!(c.values().all(|v| v.n == 0 && v.times.is_empty()));
        assert!(is_test_destination("ada@example.com"));
        assert!(is_test_destination("ada@mail.test"));
        assert!(!is_test_destination("ada@example.co.uk"));
        assert!(!is_test_destination("+33612345678"));
    }

    #[test]
    fn failed_checks_lock_and_slow_down() {
        let l = Limits::default();
        let mut fc = Counter::default();
        assert!(check_lockout(&l, "d", &fc, T0).is_none());
        fc.n = 100;
        fc.at = T0;
        let r = check_lockout(&l, "d", &fc, T0 + 1000).unwrap();
        assert_eq!(r.retry_after_ms, Some(24 * HOUR_MS - 1000));
        assert!(check_lockout(&l, "d", &fc, T0 + 24 * HOUR_MS).is_none());
        assert_eq!(check_slowdown_ms(&l, 10, 2000), 0);
        assert_eq!(check_slowdown_ms(&l, 55, 2000), 1000);
        assert_eq!(check_slowdown_ms(&l, 100, 2000), 2000);
        assert_eq!(check_slowdown_ms(&l, 100, 0), 0);
    }

    #[test]
    fn number_types_and_countries() {
        assert_eq!(number_type("+33612345678"), Some(NumberType::Mobile));
        assert_eq!(number_type("+33899123456"), Some(NumberType::PremiumRate));
        assert_eq!(number_type("+33800123456"), Some(NumberType::TollFree));
        assert_eq!(phone_facts("+12025550123").unwrap().country_iso, "US");
        let l = Limits {
            geo_permissions: vec![(Channel::Sms, vec!["FR".into(), "de".into()])],
            ..Default::default()
        };
        assert_eq!(
            geo_refusal(&l, &[Channel::Telegram, Channel::Sms], "FR"),
            None
        );
        assert_eq!(
            geo_refusal(&l, &[Channel::Telegram, Channel::Sms], "DE"),
            None
        );
        assert_eq!(
            geo_refusal(&l, &[Channel::Telegram, Channel::Sms], "US"),
            Some((1, Channel::Sms))
        );
    }
}
