//! The one function every `t!` goes through ([`tr`]), so that a translated sentence
//! costs a call at its call site, not an inlined lookup and replacement (rust-i18n's
//! own `t!` expands to both at every one of the app's thousand call sites; issue 16's
//! bundle budget). The tables are rust-i18n's (`rust_i18n::i18n!` in `main.rs`).

use std::borrow::Cow;
use std::fmt::Display;

/// `key`'s text in `locale` (the page's language when `None`; English when the
/// language has none), with each `%{name}` replaced by its value.
pub fn tr(key: &str, locale: Option<&str>, args: &[(&str, &dyn Display)]) -> Cow<'static, str> {
    let current;
    let locale = match locale {
        Some(l) => l,
        None => {
            current = rust_i18n::locale();
            &*current
        }
    };
    let text: Cow<'static, str> = crate::_rust_i18n_try_translate(locale, key)
        .or_else(|| crate::_rust_i18n_try_translate("en", key))
        .unwrap_or_else(|| Cow::Owned(key.to_string()));
    if args.is_empty() {
        return text;
    }
    let names: Vec<&str> = args.iter().map(|(n, _)| *n).collect();
    let values: Vec<String> = args.iter().map(|(_, v)| v.to_string()).collect();
    Cow::Owned(rust_i18n::replace_patterns(&text, &names, &values))
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
}
