//! A scenario inside a link: the fragment `#s=` + base64url (RFC 4648 §5, no padding)
//! of the scenario's compact JSON, in which fields equal to their defaults are left out.
//!
//! The web app's "Copy link" writes it and the page reads it back; `zab-sim sweep`
//! prints one for a failing seed so that the run opens in the app. Nothing here
//! panics on bad input: a malformed link is a [`LinkError`].

use std::fmt;

use serde_json::{Map, Value};

use super::{Scenario, ScenarioError};

/// The fragment parameter that carries a scenario: `#s=...`.
pub const FRAGMENT_PARAM: &str = "s=";

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Why the scenario in a link cannot be read.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkError {
    /// Nothing follows `#s=`.
    Empty,
    /// A character outside base64url (1-based position).
    NotBase64 {
        /// Position of the character, counting from 1.
        position: usize,
        /// The character.
        found: char,
    },
    /// The text's length is not a whole number of bytes.
    CutShort,
    /// The bytes are not UTF-8 text.
    NotUtf8,
    /// The text is not a valid scenario.
    Scenario(ScenarioError),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Empty => write!(f, "the scenario after #s= is empty"),
            // Escaped: the character may be a newline or another control character
            // (found by fuzzing, core/tests/fuzz_regressions.rs); the message is one line.
            LinkError::NotBase64 { position, found } => write!(
                f,
                "it is not base64url text (character {position} is “{}”)",
                found.escape_debug()
            ),
            LinkError::CutShort => write!(
                f,
                "it is cut short (its length is not a whole number of bytes)"
            ),
            LinkError::NotUtf8 => write!(
                f,
                "its data is not UTF-8 text: the link was probably cut or altered"
            ),
            LinkError::Scenario(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for LinkError {}

/// base64url without padding (RFC 4648 §5).
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Reads base64url (also the `+/` alphabet, with or without `=` padding).
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, LinkError> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for (i, c) in text.chars().enumerate() {
        let v = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '-' | '+' => 62,
            '_' | '/' => 63,
            _ => {
                return Err(LinkError::NotBase64 {
                    position: i + 1,
                    found: c,
                })
            }
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    if bits >= 6 {
        return Err(LinkError::CutShort);
    }
    Ok(out)
}

/// `value` without the object fields equal to `default`'s (recursively).
fn strip_defaults(value: &mut Value, default: &Value) {
    if let (Value::Object(map), Value::Object(def)) = (value, default) {
        let keys: Vec<String> = map.keys().cloned().collect();
        for k in keys {
            let Some(d) = def.get(&k) else { continue };
            if map.get(&k) == Some(d) {
                map.remove(&k);
            } else if let Some(v) = map.get_mut(&k) {
                strip_defaults(v, d);
            }
        }
    }
}

/// The scenario as short one-line JSON: fields equal to their defaults are left out
/// (the reader fills them in again), except the ones every file must have.
pub fn compact_json(s: &Scenario) -> String {
    let (Ok(mut value), Ok(default)) = (
        serde_json::to_value(s),
        serde_json::to_value(Scenario::new(s.cluster.participants)),
    ) else {
        return s.to_json_pretty();
    };
    strip_defaults(&mut value, &default);
    if let Value::Object(map) = &mut value {
        // Required fields, and run_until_ms (its default depends on the schedule).
        let mut head = Map::new();
        head.insert("format".into(), Value::from(s.format.clone()));
        head.insert("version".into(), Value::from(s.version));
        let mut cluster = match map.remove("cluster") {
            Some(Value::Object(c)) => c,
            _ => Map::new(),
        };
        cluster.insert("participants".into(), Value::from(s.cluster.participants));
        map.insert("cluster".into(), Value::Object(cluster));
        map.insert("run_until_ms".into(), Value::from(s.run_until_ms));
        head.extend(std::mem::take(map));
        *map = head;
    }
    value.to_string()
}

/// The fragment (without `#`) that carries `s`.
pub fn share_fragment(s: &Scenario) -> String {
    format!(
        "{FRAGMENT_PARAM}{}",
        base64url_encode(compact_json(s).as_bytes())
    )
}

/// The scenario in a URL fragment (`#s=...`, possibly among other `&` parameters):
/// `None` if there is none, else the scenario or why it cannot be read.
pub fn scenario_from_fragment(hash: &str) -> Option<Result<Scenario, LinkError>> {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let data = hash
        .split('&')
        .find_map(|p| p.strip_prefix(FRAGMENT_PARAM))?;
    Some(decode(data))
}

fn decode(data: &str) -> Result<Scenario, LinkError> {
    if data.is_empty() {
        return Err(LinkError::Empty);
    }
    let bytes = base64url_decode(data)?;
    let text = String::from_utf8(bytes).map_err(|_| LinkError::NotUtf8)?;
    Scenario::from_json(&text).map_err(LinkError::Scenario)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length_and_rejects_junk() {
        for n in 0..40usize {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            let text = base64url_encode(&bytes);
            assert!(!text.contains(['+', '/', '=']), "{text}");
            assert_eq!(base64url_decode(&text).unwrap(), bytes, "length {n}");
        }
        assert_eq!(base64url_encode(b"hello"), "aGVsbG8");
        assert_eq!(base64url_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(
            base64url_decode("aGV%bG8").unwrap_err(),
            LinkError::NotBase64 {
                position: 4,
                found: '%'
            }
        );
        assert_eq!(base64url_decode("a").unwrap_err(), LinkError::CutShort);
    }

    #[test]
    fn every_preset_and_bug_scenario_travels_in_a_link_exactly() {
        let mut all: Vec<Scenario> = super::super::presets()
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        all.extend(crate::bugs::CATALOGUE.iter().map(|b| b.scenario()));
        for s in all {
            let frag = share_fragment(&s);
            let back = scenario_from_fragment(&format!("#{frag}"))
                .unwrap()
                .unwrap();
            assert_eq!(back, s, "{}", s.name);
            assert!(frag.len() < s.to_json_pretty().len() * 4 / 3 + 8);
        }
    }

    #[test]
    fn a_malformed_fragment_says_what_is_wrong() {
        assert!(scenario_from_fragment("").is_none());
        assert!(scenario_from_fragment("#x=1").is_none());
        let err = |h: &str| scenario_from_fragment(h).unwrap().unwrap_err();
        assert_eq!(err("#s="), LinkError::Empty);
        assert!(err("#s=%%%").to_string().contains("not base64url"));
        assert_eq!(
            err(&format!("#s={}", base64url_encode(&[0xff, 0xfe]))),
            LinkError::NotUtf8
        );
        let syntax = err(&format!("#s={}", base64url_encode(b"{\"format\": ")));
        assert!(syntax.to_string().contains("line 1"), "{syntax}");
        let v2 = br#"{"format": "zab-scenario", "version": 2, "cluster": {"participants": 3}}"#;
        let e = err(&format!("#a=1&s={}", base64url_encode(v2)));
        assert!(matches!(e, LinkError::Scenario(_)));
        assert!(e.to_string().starts_with("version:"));
    }
}
