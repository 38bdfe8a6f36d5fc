//! The image the build bakes and where it goes: the ECR repository and push policy (`ecr`), the
//! buildspec's inputs (`buildspec`) and the ECS deploy (`deploy`).

use std::sync::OnceLock;

use regex::Regex;

use super::names::{is_ecr_repository_name, POLICY_NAME};
use super::Checker;
use crate::plan::{DeploySettings, Plan};
use crate::policy;

pub(super) fn check(c: &mut Checker, plan: &Plan) {
    // ECR.
    let e = &plan.ecr;
    c.check(
        is_ecr_repository_name(&e.repository),
        "ecr.repository",
        "must be an ECR repository name: 2–256 lowercase letters, digits and . _ - / separators",
    );
    c.name(&POLICY_NAME, &e.policy_name, "ecr.policyName", true);
    if let Some(doc) = &e.policy_document {
        for problem in policy::check_push_policy(doc, &e.repository) {
            if problem.is_error {
                c.fail("ecr.policyDocument", problem.message);
            }
        }
    }

    // buildspec.
    let bs = &plan.buildspec;
    c.relative_path(&bs.service_dir, "buildspec.serviceDir", true);
    c.relative_path(&bs.dockerfile, "buildspec.dockerfile", false);
    c.check(
        re!(r"^[A-Za-z0-9_-]{1,255}$").is_match(&bs.container_name),
        "buildspec.containerName",
        "must be 1–255 letters, digits, '_' or '-' (ECS container name rule)",
    );
    c.check(
        re!(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$").is_match(&bs.image_tag),
        "buildspec.imageTag",
        "must be a Docker tag: up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'",
    );

    // Deploy.
    if let DeploySettings::Ecs {
        cluster,
        service,
        file_name,
    } = &plan.deploy
    {
        let ecs_name = re!(r"^[A-Za-z0-9_-]{1,255}$");
        c.check(
            ecs_name.is_match(cluster),
            "deploy.cluster",
            "must be an ECS cluster name: 1–255 letters, digits, '_' or '-'",
        );
        c.check(
            ecs_name.is_match(service),
            "deploy.service",
            "must be an ECS service name: 1–255 letters, digits, '_' or '-'",
        );
        c.check(
            re!(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}){0,4}$")
                .is_match(file_name)
                && !file_name.split('/').any(|part| part == ".."),
            "deploy.fileName",
            "must be a file path in the build's output such as imagedefinitions.json: letters, digits, '.', '_', '-' and '/' (the buildspec writes this file)",
        );
    }
}
