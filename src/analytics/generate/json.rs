//! An ordered JSON tree for generated records, so they keep `CloudTrail`'s field order
//! (`serde_json`'s map sorts keys), with the `obj!`/`arr!` builders and two EC2 list shapes.

use std::borrow::Cow;
use std::rc::Rc;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// A JSON value whose objects keep their written field order.
#[derive(Clone, Debug)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Str(Cow<'static, str>),
    Arr(Vec<Json>),
    Obj(Vec<(&'static str, Json)>),
    /// A subtree shared by many records, such as a caller's identity, built once.
    Shared(Rc<Json>),
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => serializer.serialize_unit(),
            Json::Bool(value) => serializer.serialize_bool(*value),
            Json::Int(value) => serializer.serialize_i64(*value),
            Json::Str(value) => serializer.serialize_str(value),
            Json::Arr(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Obj(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (key, value) in fields {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
            Json::Shared(value) => value.serialize(serializer),
        }
    }
}

impl From<&'static str> for Json {
    fn from(value: &'static str) -> Self {
        Json::Str(Cow::Borrowed(value))
    }
}

impl From<String> for Json {
    fn from(value: String) -> Self {
        Json::Str(Cow::Owned(value))
    }
}

impl From<bool> for Json {
    fn from(value: bool) -> Self {
        Json::Bool(value)
    }
}

impl From<i64> for Json {
    fn from(value: i64) -> Self {
        Json::Int(value)
    }
}

impl From<Vec<Json>> for Json {
    fn from(items: Vec<Json>) -> Self {
        Json::Arr(items)
    }
}

/// `obj! {"key": value, …}` builds an object whose fields keep the written order.
macro_rules! obj {
    ($($key:literal : $value:expr),* $(,)?) => {
        $crate::analytics::generate::json::Json::Obj(vec![
            $(($key, $crate::analytics::generate::json::Json::from($value))),*
        ])
    };
}

/// `arr![a, b]` builds an array.
macro_rules! arr {
    ($($value:expr),* $(,)?) => {
        $crate::analytics::generate::json::Json::Arr(vec![
            $($crate::analytics::generate::json::Json::from($value)),*
        ])
    };
}

pub(crate) use arr;
pub(crate) use obj;

/// The EC2 API's list wrapper: `{"items":[{"<key>": value}, …]}`.
pub(crate) fn items(key: &'static str, values: Vec<String>) -> Json {
    Json::Obj(vec![(
        "items",
        Json::Arr(
            values
                .into_iter()
                .map(|value| Json::Obj(vec![(key, Json::from(value))]))
                .collect(),
        ),
    )])
}

/// An EC2 filter list: `{"items":[{"name":…,"valueSet":{"items":[{"value":…}]}}]}`.
pub(crate) fn filters(pairs: &[(&'static str, &str)]) -> Json {
    let list = pairs
        .iter()
        .map(|(name, value)| {
            obj! {
                "name": *name,
                "valueSet": items("value", vec![(*value).to_owned()]),
            }
        })
        .collect::<Vec<_>>();
    obj! {"items": list}
}
