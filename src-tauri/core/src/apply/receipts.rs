//! Receipts of apply runs, kept as JSON files in the app's data dir (no secrets in them).

use std::path::PathBuf;

use super::types::Receipt;
use crate::paths::{write_private, AppDirs};
use crate::{Error, Result};

fn dir(dirs: &AppDirs) -> PathBuf {
    dirs.data.join("receipts")
}

fn file_name(id: &str) -> Result<String> {
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c))
    {
        return Err(Error::validation("receiptId", "is not a receipt id"));
    }
    Ok(format!("{id}.json"))
}

pub fn save(dirs: &AppDirs, receipt: &Receipt) -> Result<PathBuf> {
    let path = dir(dirs).join(file_name(&receipt.id)?);
    let text = serde_json::to_string_pretty(receipt).map_err(Error::internal)?;
    write_private(&path, &text)?;
    Ok(path)
}

pub fn load(dirs: &AppDirs, id: &str) -> Result<Receipt> {
    let path = dir(dirs).join(file_name(id)?);
    let text =
        std::fs::read_to_string(&path).map_err(|_| Error::NotFound(format!("no receipt {id}")))?;
    serde_json::from_str(&text).map_err(|e| Error::internal(format!("{}: {e}", path.display())))
}

/// All receipts, newest first.
pub fn list(dirs: &AppDirs) -> Result<Vec<Receipt>> {
    let Ok(entries) = std::fs::read_dir(dir(dirs)) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<Receipt> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .filter_map(|t| serde_json::from_str(&t).ok())
        .collect();
    out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::{ReceiptResource, ReceiptStatus, StepId, StepStatus};

    #[test]
    fn save_list_load() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = AppDirs::at(tmp.path());
        let mk = |id: &str, at: &str| Receipt {
            id: id.into(),
            pipeline: "p".into(),
            account: "1".into(),
            region: "us-east-1".into(),
            endpoint_url: None,
            created_at: at.into(),
            status: ReceiptStatus::Succeeded,
            error: None,
            resources: vec![ReceiptResource {
                step: StepId::Pipeline,
                name: "p".into(),
                arn: Some("arn:aws:codepipeline:us-east-1:1:p".into()),
                outcome: StepStatus::Created,
                console_url: None,
                changes: Vec::new(),
            }],
            updated_at: None,
            plan: None,
            unsaved: false,
        };
        save(&dirs, &mk("1-p", "2026-01-01T00:00:00Z")).unwrap();
        save(&dirs, &mk("2-p", "2026-02-01T00:00:00Z")).unwrap();
        let all = list(&dirs).unwrap();
        assert_eq!(all[0].id, "2-p");
        assert_eq!(
            load(&dirs, "1-p").unwrap(),
            mk("1-p", "2026-01-01T00:00:00Z")
        );
        assert_eq!(
            load(&dirs, "../etc").unwrap_err().field(),
            Some("receiptId")
        );
    }
}
