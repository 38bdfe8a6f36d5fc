//! The plan file: a plan read from and written as TOML. A reading error names its field path, as
//! validation does.

use super::Plan;
use crate::{Error, Result};

impl Plan {
    /// Reads a plan file. A type error, an unknown enum value or an unknown key names its field
    /// path (`build.computeType`), as [`validate`](super::validate()) does.
    pub fn from_toml(text: &str) -> Result<Self> {
        let de = toml::Deserializer::parse(text).map_err(|e| {
            Error::validation("plan", format!("is not a TOML file: {}", e.message()))
        })?;
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = field_path(e.path());
            let message = e.inner().message().to_owned();
            match path {
                Some(path) => Error::validation(path, message),
                None => Error::validation("plan", format!("is not a valid plan file: {message}")),
            }
        })
    }

    pub fn to_toml(&self) -> Result<String> {
        toml::to_string_pretty(self).map_err(Error::internal)
    }
}

/// `build.environmentVariables[0].name` → `build.environmentVariables.0.name`; None at the root.
fn field_path(path: &serde_path_to_error::Path) -> Option<String> {
    let text = path.to_string().replace('[', ".").replace(']', "");
    (text != "." && !text.is_empty()).then_some(text)
}
