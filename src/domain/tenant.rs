//! Tenants and their settings: prices, account restrictions (blocked recipients and
//! SMS number filters) and message defaults. The restriction rules live here so the
//! pure state machine can apply them without I/O.

use serde::{Deserialize, Serialize};

use super::channel::Channel;
use super::lang::Lang;
use super::limits::Limits;
use super::validate::{FieldViolation, ValidationError, check_email, check_phone};
use super::verification::Millis;

/// The built-in price list in euro cents, used for channels a tenant did not price.
pub const DEFAULT_PRICES: [(Channel, i64); 5] = [
    (Channel::Telegram, 1),
    (Channel::Whatsapp, 5),
    (Channel::Voice, 12),
    (Channel::Sms, 8),
    (Channel::Email, 1),
];

pub const DEFAULT_TENANT: &str = "default";
pub const TENANT_ID_MAX: usize = 64;
const LIST_MAX: usize = 10_000;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSettings {
    /// Overrides of `DEFAULT_PRICES`.
    pub prices: Vec<(Channel, i64)>,
    pub blocked_numbers: Vec<String>,
    pub sms_filters: Vec<String>,
    pub default_app_name: String,
    pub default_lang: Option<Lang>,
    /// Limits and abuse defences; stores from before they existed read the defaults.
    #[serde(default)]
    pub limits: Limits,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: String,
    pub settings: TenantSettings,
    pub created_at: Millis,
}

impl TenantSettings {
    /// Price of one attempt on `channel`, in euro cents.
    pub fn price(&self, channel: Channel) -> i64 {
        self.prices
            .iter()
            .chain(DEFAULT_PRICES.iter())
            .find(|(c, _)| *c == channel)
            .map_or(0, |(_, p)| *p)
    }

    /// The effective price list: the tenant's overrides over the defaults.
    pub fn price_list(&self) -> Vec<(Channel, i64)> {
        Channel::ALL.iter().map(|c| (*c, self.price(*c))).collect()
    }

    /// Why sending on `channel` to `recipient` is forbidden for this tenant, if it is.
    pub fn restriction(&self, channel: Channel, recipient: &str) -> Option<String> {
        if self.blocked_numbers.iter().any(|b| b == recipient) {
            return Some("recipient is blocked by the account".into());
        }
        if channel == Channel::Sms
            && let Some(p) = self
                .sms_filters
                .iter()
                .find(|p| pattern_matches(p, recipient))
        {
            return Some(format!("number matches the account's SMS filter {p}"));
        }
        None
    }

    /// Checks settings given by an admin.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut violations = Vec::new();
        let mut add = |field: String, description: String| {
            violations.push(FieldViolation { field, description })
        };
        for (i, (_, price)) in self.prices.iter().enumerate() {
            if !(0..=100_000).contains(price) {
                add(
                    format!("settings.prices[{i}].price_cents"),
                    "must be between 0 and 100000".into(),
                );
            }
        }
        if self.blocked_numbers.len() > LIST_MAX {
            add(
                "settings.blocked_numbers".into(),
                format!("at most {LIST_MAX} entries"),
            );
        }
        for (i, b) in self.blocked_numbers.iter().enumerate() {
            let ok = if b.starts_with('+') {
                check_phone(b)
            } else {
                check_email(b)
            };
            if let Err(why) = ok {
                add(
                    format!("settings.blocked_numbers[{i}]"),
                    format!("must be an E.164 number or an email address: {why}"),
                );
            }
        }
        if self.sms_filters.len() > LIST_MAX {
            add(
                "settings.sms_filters".into(),
                format!("at most {LIST_MAX} entries"),
            );
        }
        for (i, p) in self.sms_filters.iter().enumerate() {
            let body = p.strip_prefix('+').unwrap_or("");
            if body.is_empty()
                || p.len() > 32
                || !body
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'*' || b == b'?')
            {
                add(
                    format!("settings.sms_filters[{i}]"),
                    "must be '+' then digits, '*' (any digits) and '?' (one digit)".into(),
                );
            }
        }
        if self.default_app_name.chars().count() > super::validate::APP_NAME_MAX_CHARS {
            add(
                "settings.default_app_name".into(),
                "must be at most 64 characters".into(),
            );
        }
        let l = &self.limits;
        if l.starts_per_destination_per_hour > 10_000 {
            add(
                "settings.limits.starts_per_destination_per_hour".into(),
                "must be at most 10000 (0: no limit)".into(),
            );
        }
        if l.concurrent_in_delivery > 1_000_000 {
            add(
                "settings.limits.concurrent_in_delivery".into(),
                "must be at most 1000000 (0: no limit)".into(),
            );
        }
        if !(1..=100).contains(&l.failed_checks_per_destination) {
            add(
                "settings.limits.failed_checks_per_destination".into(),
                "must be between 1 and 100 (NIST SP 800-63B allows at most 100)".into(),
            );
        }
        if !(60..=30 * 86_400).contains(&l.failed_checks_lockout_sec) {
            add(
                "settings.limits.failed_checks_lockout_sec".into(),
                "must be between 60 and 2592000".into(),
            );
        }
        if l.daily_spend_cap_cents
            .is_some_and(|c| !(0..=100_000_000).contains(&c))
        {
            add(
                "settings.limits.daily_spend_cap_cents".into(),
                "must be between 0 and 100000000".into(),
            );
        }
        for (i, (channel, countries)) in l.geo_permissions.iter().enumerate() {
            if !matches!(channel, Channel::Sms | Channel::Voice | Channel::Whatsapp) {
                add(
                    format!("settings.limits.geo_permissions[{i}].channel"),
                    "geo permissions are for sms, voice and whatsapp".into(),
                );
            }
            if l.geo_permissions[..i].iter().any(|(c, _)| c == channel) {
                add(
                    format!("settings.limits.geo_permissions[{i}].channel"),
                    format!("{channel} is listed twice"),
                );
            }
            for (j, c) in countries.iter().enumerate() {
                if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                    add(
                        format!("settings.limits.geo_permissions[{i}].allowed_countries[{j}]"),
                        "must be an ISO 3166-1 alpha-2 code in capitals, such as FR".into(),
                    );
                }
            }
        }
        let p = &l.pumping;
        if p.enabled {
            if !(60..=7 * 86_400).contains(&p.window_sec) {
                add(
                    "settings.limits.pumping.window_sec".into(),
                    "must be between 60 and 604800".into(),
                );
            }
            if !(1..=1_000_000).contains(&p.min_sends) {
                add(
                    "settings.limits.pumping.min_sends".into(),
                    "must be between 1 and 1000000".into(),
                );
            }
            if p.min_conversion_percent > 100 {
                add(
                    "settings.limits.pumping.min_conversion_percent".into(),
                    "must be at most 100".into(),
                );
            }
            if !(60..=30 * 86_400).contains(&p.block_sec) {
                add(
                    "settings.limits.pumping.block_sec".into(),
                    "must be between 60 and 2592000".into(),
                );
            }
        }
        if l.safe_list.len() > LIST_MAX {
            add(
                "settings.limits.safe_list".into(),
                format!("at most {LIST_MAX} entries"),
            );
        }
        for (i, e) in l.safe_list.iter().enumerate() {
            let body = e.strip_suffix('*').unwrap_or(e);
            let ok = body.starts_with('+')
                && body.len() >= 2
                && body.len() <= 16
                && body[1..].bytes().all(|b| b.is_ascii_digit());
            if !ok {
                add(
                    format!("settings.limits.safe_list[{i}]"),
                    "must be an E.164 number, or a prefix ending in '*' such as +4477009*".into(),
                );
            }
        }
        if violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError {
                invalid_channel: false,
                violations,
            })
        }
    }
}

/// A tenant id is 1 to 64 characters of a-z, 0-9, '-' and '_'.
pub fn validate_tenant_id(id: &str) -> Result<(), ValidationError> {
    let ok = !id.is_empty()
        && id.len() <= TENANT_ID_MAX
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(ValidationError::single(
            "tenant_id",
            "must be 1 to 64 characters of a-z, 0-9, '-' and '_'",
        ))
    }
}

/// Glob match of an E.164 number: `*` is any run of characters, `?` exactly one.
pub fn pattern_matches(pattern: &str, number: &str) -> bool {
    let (p, n) = (pattern.as_bytes(), number.as_bytes());
    // Iterative glob with single backtracking point: linear enough for 32-byte patterns.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(pattern_matches("+7*", "+79161234567"));
        assert!(!pattern_matches("+7*", "+33199001234"));
        assert!(pattern_matches("+33199001??0", "+33199001110"));
        assert!(!pattern_matches("+33199001??0", "+33199001111"));
        assert!(pattern_matches("+33199001110", "+33199001110"));
        assert!(pattern_matches("*", "+1"));
        assert!(pattern_matches("+*0", "+33199001110"));
    }

    #[test]
    fn prices_fall_back_to_defaults() {
        let s = TenantSettings {
            prices: vec![(Channel::Sms, 3)],
            ..Default::default()
        };
        assert_eq!(s.price(Channel::Sms), 3);
        assert_eq!(s.price(Channel::Voice), 12);
    }
}
