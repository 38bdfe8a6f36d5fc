//! The reference plan (the console walkthrough the wizard replaces) and the defaults a plan gets:
//! the build image, the default bucket's random suffix.

use super::{
    BuildSettings, BuildspecSettings, ComputeType, ConnectionChoice, DeploySettings, EcrSettings,
    ExecutionMode, PipelineSettings, PipelineType, Plan, RoleChoice, SourceOutputFormat,
    SourceSettings, WebhookEvent, WebhookSettings, PLAN_VERSION,
};

impl Plan {
    /// The reference flow (the console walkthrough the wizard replaces), as a starting point.
    pub fn reference() -> Self {
        Plan {
            version: PLAN_VERSION,
            region: None,
            pipeline: PipelineSettings {
                name: "cruddur-backend-fargate".into(),
                role: RoleChoice::Create { name: None },
                artifact_bucket: None,
                artifact_bucket_suffix: Some(random_suffix()),
                pipeline_type: PipelineType::V2,
                execution_mode: ExecutionMode::Superseded,
                approval: None,
                notifications: None,
            },
            source: SourceSettings {
                connection: ConnectionChoice::Create {
                    name: "Cruddur".into(),
                },
                repository: "example/aws-bootcamp-cruddur-2023".into(),
                branch: "prod".into(),
                detect_changes: true,
                output_format: SourceOutputFormat::CodeZip,
            },
            build: BuildSettings {
                project: "cruddur-backend-flask-bake-image".into(),
                create: true,
                description: "Bake the backend-flask image and push it to ECR".into(),
                badge: true,
                concurrent_build_limit: None,
                webhook: Some(WebhookSettings {
                    event: WebhookEvent::PullRequestMerged,
                    base_branch: "prod".into(),
                }),
                image: DEFAULT_IMAGE.into(),
                compute_type: ComputeType::BuildGeneral1Small,
                privileged: true,
                role: RoleChoice::Create { name: None },
                timeout_minutes: 20,
                buildspec_path: "backend-flask/buildspec.yml".into(),
                environment_variables: Vec::new(),
                action_name: "bake".into(),
                output_artifact: "ImageDefinition".into(),
            },
            ecr: EcrSettings {
                repository: "backend-flask".into(),
                policy_name: "ECRPushImage".into(),
                policy_document: None,
            },
            buildspec: BuildspecSettings {
                service_dir: "backend-flask".into(),
                dockerfile: "Dockerfile.prod".into(),
                container_name: "backend-flask".into(),
                image_tag: "latest".into(),
            },
            deploy: DeploySettings::Ecs {
                cluster: "cruddur".into(),
                service: "backend-flask".into(),
                file_name: "imagedefinitions.json".into(),
            },
        }
    }

    /// Fills what a plan made by an older Pipewright lacks (the default bucket's suffix). Returns
    /// whether it changed anything, so the caller can save the plan.
    pub fn fill_defaults(&mut self) -> bool {
        if self.pipeline.artifact_bucket_suffix.is_none() {
            self.pipeline.artifact_bucket_suffix = Some(random_suffix());
            return true;
        }
        false
    }
}

pub const DEFAULT_IMAGE: &str = "aws/codebuild/amazonlinux2-x86_64-standard:5.0";

/// 8 random lowercase letters and digits (the OS's randomness, through std's hasher seeds).
pub fn random_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    let mut n = h.finish();
    (0..8)
        .map(|_| {
            let c = ALPHABET[(n % 36) as usize] as char;
            n /= 36;
            c
        })
        .collect()
}
