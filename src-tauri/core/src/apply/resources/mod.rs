//! One module per resource apply makes: its step (reuse, update with the previous version
//! journaled, or create), the SDK call of its typed request (`super::requests`, every field set by
//! destructuring, so a field the call does not send fails to compile), and its delete and restore
//! for rollback and tear-down.

/// An SDK's tags from a request's `{key, value}` pairs: each SDK has its own `Tag`, whose builder
/// refuses a missing key or value. Defined before the modules, so each of them can use it.
macro_rules! sdk_tags {
    ($tag:ty, $tags:expr) => {
        $tags
            .into_iter()
            .map(|t| <$tag>::builder().key(t.key).value(t.value).build())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(crate::Error::internal)
    };
}

pub(super) mod bucket;
pub(super) mod connection;
pub(crate) mod notifications;
pub(super) mod pipeline;
pub(super) mod policy;
pub(super) mod project;
pub(super) mod role;
pub(super) mod webhook;

use serde_json::Value;

use crate::{Error, Result};

/// What an undo says of a resource that was no longer there.
pub(super) const GONE: &str = "already gone";

/// A JSON object of the present members (AWS omits absent members; some refuse a null).
pub(super) fn members(pairs: Vec<(&str, Option<Value>)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .filter_map(|(k, v)| v.filter(|v| !v.is_null()).map(|v| (k.to_owned(), v)))
            .collect(),
    )
}

/// A journaled previous version (AWS's JSON).
pub(super) fn parse(previous: &str) -> Result<Value> {
    serde_json::from_str(previous)
        .map_err(|e| Error::internal(format!("the receipt's previous version is not JSON: {e}")))
}
