//! What a desktop notification opens when it is clicked: a pipeline's page, at its waiting
//! approval when there is one. Checked here, so a page can only ask for a notification that opens
//! one of its own pages.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::plan::validate::is_pipeline_name;
use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NotificationOpen {
    pub pipeline: String,
    /// Bring the pipeline's waiting approval into view (its Approve button focused).
    pub approval: bool,
}

impl NotificationOpen {
    pub fn check(&self) -> Result<()> {
        if is_pipeline_name(&self.pipeline) {
            Ok(())
        } else {
            Err(Error::validation("open.pipeline", "is not a pipeline name"))
        }
    }
}

/// A notification's title and body: short plain text, at most 200 and 1,000 characters.
pub fn check_text(title: &str, body: &str) -> Result<()> {
    if title.trim().is_empty() || title.chars().count() > 200 {
        return Err(Error::validation("title", "must be 1–200 characters"));
    }
    if body.chars().count() > 1000 {
        return Err(Error::validation(
            "body",
            "must be at most 1,000 characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_opens_only_a_pipeline_page() {
        let open = |p: &str| NotificationOpen {
            pipeline: p.into(),
            approval: true,
        };
        assert!(open("cruddur-backend-fargate").check().is_ok());
        for bad in ["", "../profiles", "a/b", "x?y", &"p".repeat(101)] {
            assert!(open(bad).check().is_err(), "{bad}");
        }
        assert!(check_text("Approval needed", "body").is_ok());
        assert!(check_text(" ", "").is_err());
        assert!(check_text("t", &"b".repeat(1001)).is_err());
    }
}
