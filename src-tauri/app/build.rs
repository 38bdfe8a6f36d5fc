/// Every command the UI may call; each gets an `allow-<command>` permission that the capability in
/// `src-tauri/app/capabilities/` grants explicitly. A command missing here cannot be invoked.
const COMMANDS: &[&str] = &[
    "app_info",
    "regions_list",
    "profiles_list",
    "profile_save",
    "profile_remove",
    "profile_test",
    "credentials_test",
    "session_get",
    "session_set",
    "plan_reference",
    "plan_validate",
    "plan_open",
    "plan_save",
    "text_save",
    "connections_list",
    "connection_create",
    "connection_get",
    "ecr_repositories",
    "ecs_clusters",
    "ecs_services",
    "ecs_containers",
    "codebuild_projects",
    "ecr_policy_generate",
    "buildspec_generate",
    "plan_review",
    "apply_start",
    "receipt_teardown",
    "receipts_list",
    "receipts_unfinished",
    "pipelines_list",
    "pipeline_view",
    "pipeline_executions",
    "pipeline_action_executions",
    "release_start",
    "execution_stop",
    "stage_retry",
    "approval_decide",
    "rollback_plan",
    "rollback_run",
    "service_changes",
    "service_change_undo",
    "desktop_notify",
    "build_diagnosis",
    "open_external",
    "diagnosis_fix_plan",
    "history_builds",
    "history_sync",
    "history_stats",
    "history_build",
    "build_logs",
    "history_releases_sync",
    "history_dora",
    "history_commits",
    "history_commits_sync",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/app/capabilities");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("src-tauri/app/capabilities/**/*")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
