//! The review page: what apply will create, reuse or update (with the exact requests), preflight
//! findings, and a monthly cost estimate. Read-only: it never changes the account.

use serde_json::{json, Value};

use super::ctx::AwsCtx;
use super::discover;
use super::requests;
use super::resources::notifications;
use super::types::*;
use crate::aws::{map_sdk_error, or_not_found};
use crate::plan::{
    self, ComputeType, ConnectionChoice, DeploySettings, PipelineType, Plan, RoleChoice,
};
use crate::{buildspec, policy, Error, Result};

/// Prices and usage assumptions of the estimate. The prices are `crate::prices` (dated there);
/// the assumptions are what a small team's pipeline does in a month.
#[derive(Debug, Clone)]
pub struct Prices {
    pub as_of: &'static str,
    /// CodePipeline V2: per action execution minute.
    pub pipeline_v2_action_minute: f64,
    /// CodePipeline V1: per active pipeline per month.
    pub pipeline_v1_month: f64,
    /// CodeBuild Linux on-demand, per build minute, by compute type.
    pub codebuild_minute: fn(ComputeType) -> f64,
    /// What the estimate assumes about usage.
    pub releases_per_month: f64,
    pub build_minutes: f64,
    pub source_minutes: f64,
    pub deploy_minutes: f64,
}

fn codebuild_linux_minute(c: ComputeType) -> f64 {
    // Every compute type the plan offers is priced (a test checks it).
    crate::prices::codebuild_minute(None, Some(c.as_str())).unwrap_or(0.0)
}

impl Default for Prices {
    fn default() -> Self {
        Prices {
            as_of: crate::prices::AS_OF,
            pipeline_v2_action_minute: crate::prices::PIPELINE_V2_ACTION_MINUTE,
            pipeline_v1_month: crate::prices::PIPELINE_V1_MONTH,
            codebuild_minute: codebuild_linux_minute,
            releases_per_month: 30.0,
            build_minutes: 8.0,
            source_minutes: 1.0,
            deploy_minutes: 5.0,
        }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub fn cost_estimate(plan: &Plan, prices: &Prices) -> CostEstimate {
    let releases = prices.releases_per_month;
    let builds_per_release = if plan.build.webhook.is_some() {
        2.0
    } else {
        1.0
    };
    let builds = releases * builds_per_release;
    let build_price = (prices.codebuild_minute)(plan.build.compute_type);
    let mut lines = vec![CostLine {
        item: format!(
            "CodeBuild {} build minutes",
            plan.build.compute_type.as_str()
        ),
        quantity: builds * prices.build_minutes,
        unit: "minute".into(),
        unit_price_usd: build_price,
        monthly_usd: round2(builds * prices.build_minutes * build_price),
    }];
    match plan.pipeline.pipeline_type {
        PipelineType::V2 => {
            let deploy = if matches!(plan.deploy, DeploySettings::Ecs { .. }) {
                prices.deploy_minutes
            } else {
                0.0
            };
            let minutes = releases * (prices.source_minutes + prices.build_minutes + deploy);
            lines.push(CostLine {
                item: "CodePipeline V2 action execution minutes".into(),
                quantity: minutes,
                unit: "minute".into(),
                unit_price_usd: prices.pipeline_v2_action_minute,
                monthly_usd: round2(minutes * prices.pipeline_v2_action_minute),
            });
        }
        PipelineType::V1 => lines.push(CostLine {
            item: "CodePipeline V1 active pipeline".into(),
            quantity: 1.0,
            unit: "pipeline-month".into(),
            unit_price_usd: prices.pipeline_v1_month,
            monthly_usd: prices.pipeline_v1_month,
        }),
    }
    let total = round2(lines.iter().map(|l| l.monthly_usd).sum());
    let mut assumptions = vec![
        format!("{releases} releases a month, {} build minutes each", prices.build_minutes),
        "on-demand prices in us-east-1; free tiers, S3 storage, ECR storage and data transfer not included".into(),
    ];
    if builds_per_release > 1.0 {
        assumptions.push(
            "the webhook and the pipeline both build on each merge, so every release runs two builds".into(),
        );
    }
    CostEstimate {
        lines,
        total_monthly_usd: total,
        prices_as_of: prices.as_of.to_owned(),
        assumptions,
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn finding(severity: Severity, path: Option<&str>, message: impl Into<String>) -> Finding {
    Finding {
        severity,
        path: path.map(str::to_owned),
        message: message.into(),
    }
}

/// Everything apply would do, with findings, without changing anything.
pub async fn review(ctx: &AwsCtx, plan: &Plan) -> Result<Review> {
    if let Some(issue) = plan::validate(plan).into_iter().next() {
        return Err(issue.into_error());
    }
    let n = super::run::resolve(ctx, plan).await?;
    let iam = ctx.iam();
    let mut findings = Vec::new();

    // Look at what exists, concurrently.
    let connection = async {
        match &plan.source.connection {
            ConnectionChoice::Existing { arn } => {
                discover::get_connection(ctx, arn).await.map(Some)
            }
            ConnectionChoice::Create { name } => discover::find_connection(ctx, name).await,
        }
    };
    let bucket = async {
        match ctx
            .s3()
            .head_bucket()
            .bucket(&n.bucket)
            .expected_bucket_owner(&ctx.account)
            .send()
            .await
        {
            Ok(_) => Ok(Some(true)),
            Err(e) => match e.raw_response().map(|r| r.status().as_u16()) {
                Some(404) => Ok(None),
                Some(403) => Ok(Some(false)),
                _ => Err(map_sdk_error("HeadBucket", e)),
            },
        }
    };
    let role_exists = |name: String| {
        let iam = iam.clone();
        async move {
            let got = iam.get_role().role_name(&name).send().await;
            Ok::<_, Error>(
                or_not_found("GetRole", got, |e| e.is_no_such_entity_exception())?.is_some(),
            )
        }
    };
    let ecr_policy_exists = async {
        let got = iam
            .get_role_policy()
            .role_name(&n.codebuild_role)
            .policy_name(&plan.ecr.policy_name)
            .send()
            .await;
        Ok::<_, Error>(
            or_not_found("GetRolePolicy", got, |e| e.is_no_such_entity_exception())?.is_some(),
        )
    };
    let repo = async {
        let got = ctx
            .ecr()
            .describe_repositories()
            .repository_names(&plan.ecr.repository)
            .send()
            .await;
        Ok::<_, Error>(
            or_not_found("DescribeRepositories", got, |e| {
                e.is_repository_not_found_exception()
            })?
            .and_then(|out| {
                out.repositories()
                    .first()
                    .and_then(|r| r.repository_arn())
                    .map(str::to_owned)
            }),
        )
    };
    let project = async {
        ctx.codebuild()
            .batch_get_projects()
            .names(&plan.build.project)
            .send()
            .await
            .map(|o| o.projects().first().cloned())
            .map_err(|e| map_sdk_error("BatchGetProjects", e))
    };
    let pipeline = async {
        let got = ctx
            .codepipeline()
            .get_pipeline()
            .name(&plan.pipeline.name)
            .send()
            .await;
        Ok::<_, Error>(
            or_not_found("GetPipeline", got, |e| e.is_pipeline_not_found_exception())?
                .and_then(|out| out.pipeline().cloned()),
        )
    };
    let containers = async {
        match &plan.deploy {
            DeploySettings::Ecs {
                cluster, service, ..
            } => match discover::ecs_containers(ctx, cluster, service).await {
                Ok(c) => Ok(Some(c)),
                Err(Error::NotFound(_)) => Ok(None),
                Err(Error::Aws { code, .. }) if code == "ClusterNotFoundException" => Ok(None),
                Err(e) => Err(e),
            },
            DeploySettings::None => Ok(Some(Vec::new())),
        }
    };
    // Read-only lookups: the first failure ends the review.
    let (found, rule) = tokio::join!(
        async {
            tokio::try_join!(
                connection,
                bucket,
                role_exists(n.codebuild_role.clone()),
                role_exists(n.pipeline_role.clone()),
                ecr_policy_exists,
                repo,
                project,
                pipeline,
                containers,
            )
        },
        notifications::review(ctx, plan, &n),
    );
    let (
        connection,
        bucket,
        cb_role,
        pl_role,
        ecr_policy_exists,
        repo,
        project,
        pipeline,
        containers,
    ) = found?;
    let (rule_action, rule_request, rule_findings) = rule?;
    for (severity, message) in rule_findings {
        findings.push(finding(
            severity,
            Some("pipeline.notifications.snsTopicArn"),
            message,
        ));
    }

    // Findings.
    match &connection {
        Some(c) if c.status == "PENDING" => findings.push(finding(
            Severity::Warning,
            Some("source.connection"),
            format!("The connection {} is PENDING: Create will wait until you finish the GitHub handshake in the AWS console ({})", c.name, c.console_url),
        )),
        Some(c) if c.status == "ERROR" => findings.push(finding(
            Severity::Error,
            Some("source.connection"),
            format!("The connection {} is in ERROR: delete it and create a new one", c.name),
        )),
        None if matches!(plan.source.connection, ConnectionChoice::Create { .. }) => findings.push(finding(
            Severity::Info,
            Some("source.connection"),
            "A new GitHub connection will be created; it stays PENDING until you finish the handshake in the AWS console, and Create waits for it",
        )),
        _ => {}
    }
    if bucket == Some(false) {
        findings.push(finding(
            Severity::Error,
            Some("pipeline.artifactBucket"),
            format!(
                "The bucket {} belongs to another account: choose a custom artifact bucket",
                n.bucket
            ),
        ));
    }
    for (choice, exists, path, name) in [
        (&plan.build.role, cb_role, "build.role", &n.codebuild_role),
        (
            &plan.pipeline.role,
            pl_role,
            "pipeline.role",
            &n.pipeline_role,
        ),
    ] {
        match (choice, exists) {
            (RoleChoice::Existing { arn }, false) => findings.push(finding(
                Severity::Error,
                Some(path),
                format!("The role {arn} does not exist"),
            )),
            (RoleChoice::Create { .. }, true) => findings.push(finding(
                Severity::Info,
                Some(path),
                format!("The role {name} already exists: it will be reused and its Pipewright policy kept up to date"),
            )),
            _ => {}
        }
    }
    if !plan.build.privileged {
        findings.push(finding(
            Severity::Warning,
            Some("build.privileged"),
            "Privileged mode is off: `docker build` cannot run inside the build without it",
        ));
    }
    if repo.is_none() {
        findings.push(finding(
            Severity::Error,
            Some("ecr.repository"),
            format!(
                "The ECR repository {} does not exist in {}: create it there, or pick a repository in the pipeline's region",
                plan.ecr.repository, ctx.region
            ),
        ));
    }
    if let Some(doc) = &plan.ecr.policy_document {
        for p in policy::check_push_policy(doc, &plan.ecr.repository) {
            findings.push(finding(
                if p.is_error {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                Some("ecr.policyDocument"),
                format!("The ECR policy {}", p.message),
            ));
        }
        if let Ok(v) = serde_json::from_str::<Value>(doc) {
            let text = v.to_string();
            if text.contains(":ecr:") && !text.contains(&format!(":ecr:{}:", ctx.region)) {
                findings.push(finding(
                    Severity::Warning,
                    Some("ecr.policyDocument"),
                    format!(
                        "The ECR policy names a repository outside {}, the pipeline's region",
                        ctx.region
                    ),
                ));
            }
        }
    }
    if let Some(hook) = &plan.build.webhook {
        if hook.base_branch != plan.source.branch {
            findings.push(finding(
                Severity::Warning,
                Some("build.webhook.baseBranch"),
                format!(
                    "The webhook builds merges into {} but the pipeline releases {}",
                    hook.base_branch, plan.source.branch
                ),
            ));
        }
        findings.push(finding(
            Severity::Info,
            Some("build.webhook"),
            "The webhook and the pipeline both start a build on each merge; the pipeline's build is the one that deploys",
        ));
    }
    match (&project, plan.build.create) {
        (Some(_), true) => findings.push(finding(
            Severity::Warning,
            Some("build.project"),
            format!("A CodeBuild project named {} already exists: Create will update it to match this plan", plan.build.project),
        )),
        (None, false) => findings.push(finding(
            Severity::Error,
            Some("build.project"),
            format!("The CodeBuild project {} does not exist", plan.build.project),
        )),
        _ => {}
    }
    if pipeline.is_some() {
        findings.push(finding(
            Severity::Warning,
            Some("pipeline.name"),
            format!(
                "A pipeline named {} already exists: Create will update it to match this plan",
                plan.pipeline.name
            ),
        ));
    }
    if let DeploySettings::Ecs {
        cluster, service, ..
    } = &plan.deploy
    {
        match &containers {
            None => findings.push(finding(
                Severity::Error,
                Some("deploy.service"),
                format!("The ECS service {service} was not found in the cluster {cluster} in {}", ctx.region),
            )),
            Some(names) if !names.contains(&plan.buildspec.container_name) => findings.push(finding(
                Severity::Warning,
                Some("buildspec.containerName"),
                format!(
                    "The container name {} is not in the service's task definition ({}): the deploy will fail to find it",
                    plan.buildspec.container_name,
                    names.join(", ")
                ),
            )),
            _ => {}
        }
    }

    // Steps with their requests.
    let existing_connection = connection.as_ref().map(|c| c.arn.as_str());
    let conn_arn = requests::connection_arn_for_review(plan, existing_connection);
    let action = |exists: bool| {
        if exists {
            StepAction::Reuse
        } else {
            StepAction::Create
        }
    };
    let mut steps = Vec::new();
    let mut push = |id: StepId, resource: String, act: StepAction, request: Value| {
        steps.push(ReviewStep {
            id,
            title: id.title().to_owned(),
            resource,
            action: act,
            depends_on: id.depends_on().to_vec(),
            request: pretty(&request),
        });
    };
    let conn_name = match &plan.source.connection {
        ConnectionChoice::Create { name } => name.clone(),
        ConnectionChoice::Existing { arn } => arn.clone(),
    };
    match (&plan.source.connection, &connection) {
        (ConnectionChoice::Create { name }, None) => push(
            StepId::Connection,
            conn_name,
            StepAction::Create,
            json!({"CreateConnection": requests::create_connection(name)}),
        ),
        _ => push(
            StepId::Connection,
            conn_name,
            StepAction::Reuse,
            json!({"GetConnection": {"ConnectionArn": conn_arn}}),
        ),
    }
    push(
        StepId::ArtifactBucket,
        n.bucket.clone(),
        action(bucket.is_some()),
        if bucket.is_some() {
            json!({"HeadBucket": {"Bucket": n.bucket}})
        } else {
            json!({"CreateBucket": requests::create_bucket(&n)})
        },
    );
    // A role step: reused as chosen, or created (or its policy updated) with its inline policy.
    let role_step = |choice: &RoleChoice,
                     name: &str,
                     service: &str,
                     policy_name: &str,
                     doc: Value,
                     exists: bool| match choice {
        RoleChoice::Existing { arn } => (
            StepAction::Reuse,
            json!({"GetRole": {"RoleName": name, "Arn": arn}}),
        ),
        RoleChoice::Create { .. } => {
            let put = requests::put_role_policy(name, policy_name, doc);
            if exists {
                (StepAction::Update, json!({"PutRolePolicy": put}))
            } else {
                (
                    StepAction::Create,
                    json!({"CreateRole": requests::create_role(name, service, "Created by Pipewright"), "PutRolePolicy": put}),
                )
            }
        }
    };
    let (act, req) = role_step(
        &plan.build.role,
        &n.codebuild_role,
        "codebuild.amazonaws.com",
        requests::CODEBUILD_BASE_POLICY,
        requests::codebuild_base_policy(plan, &n, &conn_arn),
        cb_role,
    );
    push(StepId::CodebuildRole, n.codebuild_role.clone(), act, req);
    let ecr_doc = requests::ecr_policy_document(plan, &n);
    push(
        StepId::EcrPolicy,
        plan.ecr.policy_name.clone(),
        if ecr_policy_exists {
            StepAction::Update
        } else {
            StepAction::Create
        },
        json!({"PutRolePolicy": requests::put_role_policy(&n.codebuild_role, &plan.ecr.policy_name, ecr_doc.clone())}),
    );
    let project_req = requests::project(plan, &n, &conn_arn);
    push(
        StepId::CodebuildProject,
        plan.build.project.clone(),
        match (plan.build.create, project.is_some()) {
            (false, _) => StepAction::Reuse,
            (true, true) => StepAction::Update,
            (true, false) => StepAction::Create,
        },
        match (plan.build.create, project.is_some()) {
            (false, _) => json!({"BatchGetProjects": {"names": [plan.build.project]}}),
            (true, true) => json!({"UpdateProject": project_req}),
            (true, false) => json!({"CreateProject": project_req}),
        },
    );
    let has_hook = project.as_ref().and_then(|p| p.webhook()).is_some();
    match requests::webhook(plan).filter(|_| plan.build.create) {
        Some(req) => push(
            StepId::Webhook,
            format!("{} webhook", plan.build.project),
            if has_hook {
                StepAction::Update
            } else {
                StepAction::Create
            },
            if has_hook {
                json!({"UpdateWebhook": req})
            } else {
                json!({"CreateWebhook": req})
            },
        ),
        None => push(
            StepId::Webhook,
            format!("{} webhook", plan.build.project),
            StepAction::Skip,
            json!({}),
        ),
    }
    let (act, req) = role_step(
        &plan.pipeline.role,
        &n.pipeline_role,
        "codepipeline.amazonaws.com",
        requests::PIPELINE_POLICY,
        requests::pipeline_policy(plan, &n, &conn_arn),
        pl_role,
    );
    push(StepId::PipelineRole, n.pipeline_role.clone(), act, req);
    let pipeline_req = requests::pipeline(plan, &n, &conn_arn);
    push(
        StepId::Pipeline,
        plan.pipeline.name.clone(),
        if pipeline.is_some() {
            StepAction::Update
        } else {
            StepAction::Create
        },
        if pipeline.is_some() {
            json!({"UpdatePipeline": {"pipeline": pipeline_req.pipeline}})
        } else {
            json!({"CreatePipeline": pipeline_req})
        },
    );

    push(
        StepId::Notifications,
        n.notification_rule.clone(),
        rule_action,
        rule_request,
    );

    findings.sort_by_key(|f| f.severity as u8);
    Ok(Review {
        account: ctx.account.clone(),
        region: ctx.region.clone(),
        steps,
        findings,
        cost: cost_estimate(plan, &Prices::default()),
        buildspec: buildspec::generate(plan, &ctx.account, &ctx.region)?,
        ecr_policy: pretty(&ecr_doc),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_cost_is_builds_plus_action_minutes() {
        let est = cost_estimate(&Plan::reference(), &Prices::default());
        // 30 releases × 2 builds (webhook + pipeline) × 8 min × $0.005.
        assert_eq!(est.lines[0].monthly_usd, 2.4);
        // 30 × (1 + 8 + 5) action minutes × $0.002.
        assert_eq!(est.lines[1].monthly_usd, 0.84);
        assert_eq!(est.total_monthly_usd, 3.24);
        assert_eq!(est.prices_as_of, "2026-11-01");
    }

    #[test]
    fn every_compute_type_of_a_plan_has_a_price() {
        for c in [
            ComputeType::BuildGeneral1Small,
            ComputeType::BuildGeneral1Medium,
            ComputeType::BuildGeneral1Large,
            ComputeType::BuildGeneral1Xlarge,
            ComputeType::BuildGeneral12xlarge,
        ] {
            assert!(codebuild_linux_minute(c) > 0.0, "{c:?}");
        }
    }

    #[test]
    fn v1_pipeline_costs_a_dollar_a_month() {
        let mut plan = Plan::reference();
        plan.pipeline.pipeline_type = PipelineType::V1;
        plan.build.webhook = None;
        plan.build.compute_type = ComputeType::BuildGeneral1Medium;
        let est = cost_estimate(&plan, &Prices::default());
        assert_eq!(est.lines[0].monthly_usd, 2.4); // 30 × 8 × 0.01
        assert_eq!(est.lines[1].monthly_usd, 1.0);
    }
}
