//! The one function every `t!` goes through ([`tr`]), so that a translated sentence
//! costs a call at its call site, not an inlined lookup and replacement (issue 16's
//! bundle budget). The tables are `text::tables`', fetched when a language is shown.

use std::borrow::Cow;
use std::fmt::Display;

use crate::text::lang::{self, Lang};
use crate::text::tables;

/// `key`'s text in `locale` (the page's language when `None`; English when the
/// language has none), with each `%{name}` replaced by its value.
pub fn tr(key: &str, locale: Option<&str>, args: &[(&str, &dyn Display)]) -> Cow<'static, str> {
    let lang = locale
        .and_then(Lang::from_code)
        .unwrap_or_else(lang::current);
    let Some(text) = tables::text(lang, key).or_else(|| tables::text(Lang::En, key)) else {
        return Cow::Owned(key.to_string());
    };
    if args.is_empty() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(fill(text, args))
}

/// `text` with each `%{name}` of `args` replaced by its value (other `%{...}` stay).
fn fill(text: &str, args: &[(&str, &dyn Display)]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(at) = rest.find("%{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let value = after.find('}').and_then(|end| {
            let name = &after[..end];
            args.iter().find(|(n, _)| *n == name).map(|(_, v)| (v, end))
        });
        match value {
            Some((v, end)) => {
                let _ = write!(out, "{v}");
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("%{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A sentence from the translation files: `t!("key")`, `t!("key", name = value, ...)`,
/// `t!("key", locale = "zh-CN", name = value, ...)` (rust-i18n's syntax); the key may
/// be made at run time. Returns `Cow<'static, str>`.
#[macro_export]
macro_rules! t {
    ($key:expr, locale = $locale:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::text::tr::tr(
            ::std::convert::AsRef::<str>::as_ref(&$key),
            Some(::std::convert::AsRef::<str>::as_ref(&$locale)),
            &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),*],
        )
    };
    ($key:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::text::tr::tr(
            ::std::convert::AsRef::<str>::as_ref(&$key),
            None,
            &[$((stringify!($name), &$value as &dyn ::std::fmt::Display)),*],
        )
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_filled_and_a_missing_key_says_itself() {
        assert_eq!(
            crate::t!("clock.leader", locale = "en", id = 3, epoch = 2),
            "Leader: server 3, epoch 2"
        );
        assert_eq!(
            crate::t!("clock.leader", locale = "zh-CN", id = 3, epoch = 2),
            "领导者：服务器 3，纪元 2"
        );
        assert_eq!(crate::t!("no.such.key", locale = "en"), "no.such.key");
    }

    #[test]
    fn fill_replaces_each_named_placeholder_and_leaves_the_rest() {
        let (a, b) = (1, "two");
        let args: [(&str, &dyn std::fmt::Display); 2] = [("a", &a), ("b", &b)];
        assert_eq!(super::fill("%{a}+%{b}=%{a}%{b}", &args), "1+two=1two");
        assert_eq!(super::fill("%{c} %{a", &args), "%{c} %{a");
        assert_eq!(super::fill("100% %{b}", &args), "100% two");
    }
}
