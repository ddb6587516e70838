//! `localStorage`, never failing: storage can be refused (privacy settings, sandboxed
//! frames) or full, and then nothing persists, without an error.
//!
//! Not gloo-storage (issue 13 item 6 suggested it): its `LocalStorage` throws a
//! JavaScript exception, which stops the app, when the browser refuses storage
//! (`expect_throw("failed to get local_storage")` in gloo-storage 0.3), and it stores
//! every value as JSON, which would not read the sessions earlier versions saved (the
//! scenario file's own text).

#[cfg(target_arch = "wasm32")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Natively (the model's tests) there is no browser: nothing persists.
#[cfg(not(target_arch = "wasm32"))]
fn storage() -> Option<web_sys::Storage> {
    None
}

/// The value stored under `key`, if any (and if storage is allowed).
pub fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`; quota exceeded or storage refused: it is not kept.
pub fn set(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}
