//! The write-ahead journal of apply and tear-down runs: the run's receipt, on disk (0600, atomic
//! replace) before the first AWS change and again before and after every change, so a run killed
//! at any point leaves a receipt from which tear-down removes exactly what it created and puts back
//! what it changed. One run at a time per pipeline, account and region (a lock file).

use std::fs::File;
use std::path::PathBuf;
use std::sync::Mutex;

use super::engine::now_rfc3339;
use super::receipts;
use super::types::*;
use crate::paths::AppDirs;
use crate::{AppError, Error, Result};

/// Held while a run of one pipeline in one account and region goes on; the OS drops it when the
/// process ends, however it ends.
#[derive(Debug)]
pub struct PlanLock {
    _file: File,
}

fn lock_path(dirs: &AppDirs, account: &str, region: &str, pipeline: &str) -> PathBuf {
    dirs.data
        .join("locks")
        .join(format!("{account}-{region}-{pipeline}.lock"))
}

impl PlanLock {
    pub fn acquire(dirs: &AppDirs, account: &str, region: &str, pipeline: &str) -> Result<Self> {
        let path = lock_path(dirs, account, region, pipeline);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(Error::Conflict(format!(
                "another Pipewright run (apply or tear-down) of the pipeline {pipeline} in account {account}, {region} is going on: wait for it to finish"
            ))),
            Err(std::fs::TryLockError::Error(e)) => Err(e.into()),
        }
    }

    /// Whether a run of this pipeline holds the lock now.
    pub fn is_held(dirs: &AppDirs, account: &str, region: &str, pipeline: &str) -> bool {
        matches!(
            Self::acquire(dirs, account, region, pipeline),
            Err(Error::Conflict(_))
        )
    }
}

/// A receipt being written as its run goes.
pub struct Journal {
    dirs: AppDirs,
    receipt: Mutex<Receipt>,
    _lock: PlanLock,
}

impl Journal {
    /// Takes the run's lock and writes `receipt` (fails, with nothing done in AWS, if it cannot).
    pub fn open(dirs: &AppDirs, receipt: Receipt) -> Result<Self> {
        let lock = PlanLock::acquire(dirs, &receipt.account, &receipt.region, &receipt.pipeline)?;
        let journal = Self {
            dirs: dirs.clone(),
            receipt: Mutex::new(receipt),
            _lock: lock,
        };
        journal.record(|_| {})?;
        Ok(journal)
    }

    /// Changes the receipt and saves it before returning. On a failed save the change is kept in
    /// memory (and returned with the receipt) and the error says where it could not be written.
    pub fn record(&self, f: impl FnOnce(&mut Receipt)) -> Result<()> {
        let mut r = self.receipt.lock().unwrap();
        f(&mut r);
        r.updated_at = Some(now_rfc3339());
        match receipts::save(&self.dirs, &r) {
            Ok(_) => {
                r.unsaved = false;
                Ok(())
            }
            Err(e) => {
                r.unsaved = true;
                Err(Error::internal(format!(
                    "could not save the receipt {} in {}: {e}. Nothing more is changed in AWS; the receipt is kept in memory and shown here",
                    r.id,
                    self.dirs.data.join("receipts").display()
                )))
            }
        }
    }

    pub fn snapshot(&self) -> Receipt {
        self.receipt.lock().unwrap().clone()
    }

    /// Ends the run: the receipt as it stands, with a failed last save recorded in it.
    pub fn finish(self, f: impl FnOnce(&mut Receipt)) -> Receipt {
        if let Err(e) = self.record(f) {
            let mut r = self.receipt.into_inner().unwrap();
            r.error.get_or_insert_with(|| AppError::from(&e));
            return r;
        }
        self.receipt.into_inner().unwrap()
    }

    /// Notes that the run is about to create `step`'s resource (written before the request).
    pub fn intend(
        &self,
        step: StepId,
        name: &str,
        arn: Option<&str>,
        url: Option<String>,
    ) -> Result<()> {
        self.record(|r| {
            if let Some(res) = r.resources.iter_mut().find(|x| x.step == step) {
                if !matches!(res.outcome, StepStatus::Created | StepStatus::Running) {
                    res.outcome = StepStatus::Running;
                    res.name = name.to_owned();
                }
                return;
            }
            r.resources.push(ReceiptResource {
                step,
                name: name.to_owned(),
                arn: arn.map(str::to_owned),
                outcome: StepStatus::Running,
                console_url: url,
                changes: Vec::new(),
            });
            r.resources.sort_by_key(|x| x.step);
        })
    }

    /// Sets a step's outcome. A resource this receipt created stays "created" when a later run
    /// finds and reuses or updates it, so tear-down still deletes it.
    pub fn outcome(
        &self,
        step: StepId,
        name: &str,
        arn: Option<&str>,
        outcome: StepStatus,
        url: Option<String>,
    ) -> Result<()> {
        self.record(|r| {
            if let Some(res) = r.resources.iter_mut().find(|x| x.step == step) {
                let ours = matches!(res.outcome, StepStatus::Created | StepStatus::Running);
                res.outcome = if ours && outcome != StepStatus::Deleted {
                    StepStatus::Created
                } else {
                    outcome
                };
                if let Some(arn) = arn {
                    res.arn = Some(arn.to_owned());
                }
                if url.is_some() {
                    res.console_url = url;
                }
                return;
            }
            r.resources.push(ReceiptResource {
                step,
                name: name.to_owned(),
                arn: arn.map(str::to_owned),
                outcome,
                console_url: url,
                changes: Vec::new(),
            });
            r.resources.sort_by_key(|x| x.step);
        })
    }

    /// Notes, before the request, a change to something this receipt did not create. Returns
    /// false when there is nothing to note: the receipt created the target (tear-down deletes it),
    /// or an earlier run of this receipt already noted the same target (its `previous` is the
    /// state before Pipewright, which is what tear-down must put back).
    pub fn intend_change(&self, step: StepId, name: &str, change: Change) -> Result<bool> {
        let mut noted = false;
        self.record(|r| {
            let owner_created = |s: StepId| r.created(s);
            let created = match &change {
                // A policy on a role this receipt created goes with the role.
                Change::RolePolicy { role, .. } => [StepId::CodebuildRole, StepId::PipelineRole]
                    .into_iter()
                    .any(|s| owner_created(s) && r.resource(s).is_some_and(|x| &x.name == role)),
                Change::Project { .. } => owner_created(StepId::CodebuildProject),
                Change::Webhook { .. } => {
                    owner_created(StepId::Webhook) || owner_created(StepId::CodebuildProject)
                }
                Change::Pipeline { .. } => owner_created(StepId::Pipeline),
                Change::NotificationRule { .. } => owner_created(StepId::Notifications),
            };
            if created {
                return;
            }
            let already = r
                .resources
                .iter()
                .flat_map(|x| &x.changes)
                .any(|c| c.change.same_target(&change) && c.state != ChangeState::Restored);
            if already {
                return;
            }
            noted = true;
            let record = ChangeRecord {
                change,
                state: ChangeState::Pending,
            };
            match r.resources.iter_mut().find(|x| x.step == step) {
                Some(res) => res.changes.push(record),
                None => {
                    r.resources.push(ReceiptResource {
                        step,
                        name: name.to_owned(),
                        arn: None,
                        // It existed before: changed, never "maybe created" (Running).
                        outcome: StepStatus::Updated,
                        console_url: None,
                        changes: vec![record],
                    });
                    r.resources.sort_by_key(|x| x.step);
                }
            }
        })?;
        Ok(noted)
    }

    /// Marks the pending changes of `step` done (after the request succeeded).
    pub fn change_done(&self, step: StepId) -> Result<()> {
        self.record(|r| {
            if let Some(res) = r.resources.iter_mut().find(|x| x.step == step) {
                for c in &mut res.changes {
                    if c.state == ChangeState::Pending {
                        c.state = ChangeState::Done;
                    }
                }
            }
        })
    }
}

/// The receipt a new apply of `pipeline` in this account and region continues: the latest one not
/// yet torn down or rolled back. One receipt per pipeline, so a retry's resources are never
/// "reused" by a second receipt that would leave them behind.
pub fn current_receipt(
    dirs: &AppDirs,
    account: &str,
    region: &str,
    pipeline: &str,
) -> Result<Option<Receipt>> {
    Ok(receipts::list(dirs)?.into_iter().find(|r| {
        r.account == account
            && r.region == region
            && r.pipeline == pipeline
            && !matches!(
                r.status,
                ReceiptStatus::TornDown | ReceiptStatus::RolledBack
            )
    }))
}

/// Runs that were cut off (the process died): in progress on disk, and no process holds their lock.
pub fn unfinished(dirs: &AppDirs) -> Result<Vec<Receipt>> {
    Ok(receipts::list(dirs)?
        .into_iter()
        .filter(|r| r.status == ReceiptStatus::InProgress)
        .filter(|r| !PlanLock::is_held(dirs, &r.account, &r.region, &r.pipeline))
        .collect())
}

impl Receipt {
    /// The receipt of a run that has not made anything yet.
    pub fn begin(
        id: String,
        pipeline: &str,
        account: &str,
        region: &str,
        endpoint_url: Option<String>,
    ) -> Self {
        Receipt {
            id,
            pipeline: pipeline.to_owned(),
            account: account.to_owned(),
            region: region.to_owned(),
            endpoint_url,
            created_at: now_rfc3339(),
            status: ReceiptStatus::InProgress,
            error: None,
            resources: Vec::new(),
            updated_at: None,
            plan: None,
            unsaved: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt(id: &str) -> Receipt {
        Receipt::begin(id.into(), "p", "123456789012", "us-east-1", None)
    }

    #[test]
    fn the_receipt_is_on_disk_before_anything_else_and_after_each_record() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = AppDirs::at(tmp.path());
        let j = Journal::open(&dirs, receipt("1-p")).unwrap();
        assert_eq!(receipts::load(&dirs, "1-p").unwrap().resources, vec![]);
        j.intend(StepId::Connection, "c", None, None).unwrap();
        let on_disk = receipts::load(&dirs, "1-p").unwrap();
        assert_eq!(on_disk.resources[0].outcome, StepStatus::Running);
        j.outcome(
            StepId::Connection,
            "c",
            Some("arn:c"),
            StepStatus::Reused,
            None,
        )
        .unwrap();
        // Running (maybe created by this run) then found: it is ours.
        let on_disk = receipts::load(&dirs, "1-p").unwrap();
        assert_eq!(on_disk.resources[0].outcome, StepStatus::Created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dirs.data.join("receipts/1-p.json"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_second_run_of_the_same_pipeline_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = AppDirs::at(tmp.path());
        let j = Journal::open(&dirs, receipt("1-p")).unwrap();
        let e = Journal::open(&dirs, receipt("2-p")).err().unwrap();
        assert!(matches!(e, Error::Conflict(_)), "{e}");
        assert!(e.to_string().contains("pipeline p"), "{e}");
        assert!(unfinished(&dirs).unwrap().is_empty(), "its run is alive");
        drop(j);
        assert_eq!(unfinished(&dirs).unwrap().len(), 1, "cut off");
        Journal::open(&dirs, receipt("2-p")).unwrap();
    }

    #[test]
    fn a_change_keeps_the_first_previous_and_skips_what_the_receipt_created() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = AppDirs::at(tmp.path());
        let j = Journal::open(&dirs, receipt("1-p")).unwrap();
        let policy = |prev: &str| Change::RolePolicy {
            role: "r".into(),
            policy_name: "P".into(),
            previous: Some(prev.into()),
        };
        assert!(j
            .intend_change(StepId::EcrPolicy, "P", policy("v1"))
            .unwrap());
        j.change_done(StepId::EcrPolicy).unwrap();
        assert!(!j
            .intend_change(StepId::EcrPolicy, "P", policy("v2"))
            .unwrap());
        let r = j.snapshot();
        assert_eq!(r.resources[0].changes.len(), 1);
        assert_eq!(r.resources[0].changes[0].change, policy("v1"));
        assert_eq!(r.resources[0].changes[0].state, ChangeState::Done);
        // A role this receipt created: its policies go with it.
        j.intend(StepId::PipelineRole, "role2", None, None).unwrap();
        let on_created = Change::RolePolicy {
            role: "role2".into(),
            policy_name: "X".into(),
            previous: None,
        };
        assert!(!j
            .intend_change(StepId::PipelineRole, "role2", on_created)
            .unwrap());
    }

    #[test]
    fn a_failed_save_is_an_error_and_the_receipt_stays_in_memory() {
        let tmp = tempfile::tempdir().unwrap();
        let dirs = AppDirs::at(tmp.path());
        let j = Journal::open(&dirs, receipt("1-p")).unwrap();
        // A directory where the receipt file goes: the atomic replace fails, even for root.
        let file = dirs.data.join("receipts/1-p.json");
        std::fs::remove_file(&file).unwrap();
        std::fs::create_dir_all(file.join("blocker")).unwrap();
        let e = j.intend(StepId::Connection, "c", None, None).unwrap_err();
        assert!(e.to_string().contains("could not save the receipt"), "{e}");
        let r = j.finish(|r| r.status = ReceiptStatus::Failed);
        assert!(r.unsaved);
        assert_eq!(r.resources.len(), 1);
        assert!(r.error.unwrap().message.contains("could not save"));
    }
}
