//! The languages default message texts come in, and their two-letter codes as
//! used in configuration and on the wire. The texts themselves live in
//! `messages`; this module only owns the set of languages.

use serde::{Deserialize, Serialize};

/// A language of the default message texts. English when nothing is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    En,
    De,
    Fr,
    It,
    Es,
    Pl,
    Nl,
    Ro,
    Pt,
    Cs,
    Hu,
    Sv,
    Da,
    Fi,
    Sk,
    Hr,
    Tr,
    Ru,
    Bg,
    Uk,
}

impl Lang {
    /// Every language, in the order of the `Lang` enum in the API.
    pub const ALL: [Lang; 20] = [
        Lang::En,
        Lang::De,
        Lang::Fr,
        Lang::It,
        Lang::Es,
        Lang::Pl,
        Lang::Nl,
        Lang::Ro,
        Lang::Pt,
        Lang::Cs,
        Lang::Hu,
        Lang::Sv,
        Lang::Da,
        Lang::Fi,
        Lang::Sk,
        Lang::Hr,
        Lang::Tr,
        Lang::Ru,
        Lang::Bg,
        Lang::Uk,
    ];

    /// Upper-case ISO 639-1 code, e.g. "DE".
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "EN",
            Lang::De => "DE",
            Lang::Fr => "FR",
            Lang::It => "IT",
            Lang::Es => "ES",
            Lang::Pl => "PL",
            Lang::Nl => "NL",
            Lang::Ro => "RO",
            Lang::Pt => "PT",
            Lang::Cs => "CS",
            Lang::Hu => "HU",
            Lang::Sv => "SV",
            Lang::Da => "DA",
            Lang::Fi => "FI",
            Lang::Sk => "SK",
            Lang::Hr => "HR",
            Lang::Tr => "TR",
            Lang::Ru => "RU",
            Lang::Bg => "BG",
            Lang::Uk => "UK",
        }
    }

    /// The language with this two-letter code, in any letter case.
    pub fn from_code(s: &str) -> Option<Lang> {
        Lang::ALL
            .into_iter()
            .find(|lang| lang.code().eq_ignore_ascii_case(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_in_any_case() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(Lang::from_code(&lang.code().to_lowercase()), Some(lang));
        }
        assert_eq!(Lang::from_code("dE"), Some(Lang::De));
    }

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = Lang::ALL.iter().map(|l| l.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Lang::ALL.len());
    }

    #[test]
    fn unknown_codes_are_rejected() {
        for s in ["", "E", "ENG", "en-US", "xx", " en", "ÉN", "ua"] {
            assert_eq!(Lang::from_code(s), None, "{s:?}");
        }
    }

    #[test]
    fn default_is_english() {
        assert_eq!(Lang::default(), Lang::En);
    }
}
