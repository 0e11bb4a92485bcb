//! Template values from the JSON values contexts are built of.
//!
//! Contexts are built as serde_json values (plain, and what `docs/themes.md`
//! documents) and handed to tera as its own values. Converting through
//! serde gives every map key of every page its own allocation; converting
//! directly shares each distinct key (`title`, `url`, ...) per thread, so a
//! page's values cost only their text.

use crate::check::FastMap;
use serde_json::Value as Json;
use std::cell::RefCell;
use std::sync::Arc;
use tera::value::Key;

thread_local! {
    /// Map keys seen on this thread, shared by every value made here.
    static KEYS: RefCell<FastMap<Box<str>, Arc<str>>> = RefCell::new(FastMap::default());
}

/// Keys longer than this are not kept for sharing (a site's `extra` table
/// can hold anything; the keys contexts repeat are short).
const SHARED_KEY_MAX: usize = 40;

/// `v` as a template value: the same data, with shared keys.
pub fn to_tera(v: Json) -> tera::Value {
    KEYS.with_borrow_mut(|keys| convert(v, keys))
}

fn convert(v: Json, keys: &mut FastMap<Box<str>, Arc<str>>) -> tera::Value {
    match v {
        Json::Null => tera::Value::none(),
        Json::Bool(b) => tera::Value::from(b),
        Json::Number(n) => {
            if let Some(i) = n.as_u64() {
                tera::Value::from(i)
            } else if let Some(i) = n.as_i64() {
                tera::Value::from(i)
            } else {
                tera::Value::from(n.as_f64().unwrap_or(0.0))
            }
        }
        Json::String(s) => tera::Value::from(s),
        Json::Array(a) => {
            tera::Value::from(a.into_iter().map(|v| convert(v, keys)).collect::<Vec<_>>())
        }
        Json::Object(m) => {
            let mut map = tera::Map::with_capacity_and_hasher(m.len(), Default::default());
            for (k, v) in m {
                let key = key(k, keys);
                map.insert(key, convert(v, keys));
            }
            tera::Value::from(map)
        }
    }
}

fn key(k: String, keys: &mut FastMap<Box<str>, Arc<str>>) -> Key<'static> {
    if let Some(shared) = keys.get(k.as_str()) {
        return Key::String(shared.clone());
    }
    let shared: Arc<str> = Arc::from(k.as_str());
    if k.len() <= SHARED_KEY_MAX {
        keys.insert(k.into_boxed_str(), shared.clone());
    }
    Key::String(shared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_same_as_through_serde() {
        let v = json!({
            "title": "A & B",
            "n": 3, "neg": -2, "f": 1.5, "yes": true, "none": null,
            "list": [{ "id": "x", "url": "/x/" }, [], "é"],
            "extra": { "a very long key that is not shared because it is long": 1 },
        });
        let direct = to_tera(v.clone());
        let through = tera::Value::from_serializable(&v);
        assert_eq!(direct, through);
        // Twice on one thread: the second shares the first one's keys.
        assert_eq!(to_tera(v), through);
    }
}
