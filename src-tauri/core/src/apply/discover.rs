//! Read-only look-ups for the wizard's pickers: connections, ECR repositories, ECS clusters,
//! services and containers, CodeBuild projects. All paginated with the SDK's paginators.

use super::ctx::{console, AwsCtx};
use super::types::{ConnectionInfo, EcrRepositoryInfo};
use crate::aws::{all_pages, map_sdk_error};
use crate::{Error, Result};

fn connection_info(
    ctx: &AwsCtx,
    c: &aws_sdk_codestarconnections::types::Connection,
) -> ConnectionInfo {
    let arn = c.connection_arn().unwrap_or_default().to_owned();
    ConnectionInfo {
        console_url: console::connection(&ctx.region, &ctx.account, &arn),
        arn,
        name: c.connection_name().unwrap_or_default().to_owned(),
        status: c
            .connection_status()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        provider: c
            .provider_type()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
    }
}

/// GitHub connections of the account and region.
pub async fn connections(ctx: &AwsCtx) -> Result<Vec<ConnectionInfo>> {
    let pages: Vec<_> = all_pages!(
        "ListConnections",
        ctx.connections()
            .list_connections()
            .provider_type_filter(aws_sdk_codestarconnections::types::ProviderType::Github)
    )?;
    Ok(pages
        .iter()
        .flat_map(|p| p.connections())
        .map(|c| connection_info(ctx, c))
        .collect())
}

/// The connection of that name, preferring an AVAILABLE one.
pub async fn find_connection(ctx: &AwsCtx, name: &str) -> Result<Option<ConnectionInfo>> {
    let mut matching: Vec<ConnectionInfo> = connections(ctx)
        .await?
        .into_iter()
        .filter(|c| c.name == name)
        .collect();
    matching.sort_by_key(|c| c.status != "AVAILABLE");
    Ok(matching.into_iter().next())
}

pub async fn create_connection(ctx: &AwsCtx, name: &str) -> Result<ConnectionInfo> {
    if name.trim().is_empty() || name.chars().count() > 32 {
        return Err(Error::validation(
            "source.connection.name",
            "must be 1–32 characters (CodeStar Connections rule)",
        ));
    }
    let out = ctx
        .connections()
        .create_connection()
        .provider_type(aws_sdk_codestarconnections::types::ProviderType::Github)
        .connection_name(name)
        .send()
        .await
        .map_err(|e| map_sdk_error("CreateConnection", e))?;
    get_connection(ctx, out.connection_arn()).await
}

pub async fn get_connection(ctx: &AwsCtx, arn: &str) -> Result<ConnectionInfo> {
    let out = ctx
        .connections()
        .get_connection()
        .connection_arn(arn)
        .send()
        .await
        .map_err(|e| map_sdk_error("GetConnection", e))?;
    out.connection()
        .map(|c| connection_info(ctx, c))
        .ok_or_else(|| Error::NotFound(format!("no connection {arn}")))
}

pub async fn ecr_repositories(ctx: &AwsCtx) -> Result<Vec<EcrRepositoryInfo>> {
    let pages: Vec<_> = all_pages!("DescribeRepositories", ctx.ecr().describe_repositories())?;
    let mut repos: Vec<EcrRepositoryInfo> = pages
        .iter()
        .flat_map(|p| p.repositories())
        .map(|r| EcrRepositoryInfo {
            name: r.repository_name().unwrap_or_default().to_owned(),
            arn: r.repository_arn().unwrap_or_default().to_owned(),
            uri: r.repository_uri().unwrap_or_default().to_owned(),
        })
        .collect();
    repos.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(repos)
}

fn last_segment(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_owned()
}

pub async fn ecs_clusters(ctx: &AwsCtx) -> Result<Vec<String>> {
    let arns: Vec<String> = all_pages!("ListClusters", ctx.ecs().list_clusters(), items)?;
    let mut names: Vec<String> = arns.iter().map(|a| last_segment(a)).collect();
    names.sort();
    Ok(names)
}

pub async fn ecs_services(ctx: &AwsCtx, cluster: &str) -> Result<Vec<String>> {
    let arns: Vec<String> = all_pages!(
        "ListServices",
        ctx.ecs().list_services().cluster(cluster),
        items
    )?;
    let mut names: Vec<String> = arns.iter().map(|a| last_segment(a)).collect();
    names.sort();
    Ok(names)
}

/// The container names of the service's current task definition (the buildspec's CONTAINER_NAME
/// must be one of them).
pub async fn ecs_containers(ctx: &AwsCtx, cluster: &str, service: &str) -> Result<Vec<String>> {
    let ecs = ctx.ecs();
    let described = ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeServices", e))?;
    let Some(task_definition) = described
        .services()
        .first()
        .and_then(|s| s.task_definition())
        .map(str::to_owned)
    else {
        return Err(Error::NotFound(format!(
            "the ECS service {service} was not found in the cluster {cluster}"
        )));
    };
    let td = ecs
        .describe_task_definition()
        .task_definition(task_definition)
        .send()
        .await
        .map_err(|e| map_sdk_error("DescribeTaskDefinition", e))?;
    Ok(td
        .task_definition()
        .map(|t| {
            t.container_definitions()
                .iter()
                .filter_map(|c| c.name().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

pub async fn codebuild_projects(ctx: &AwsCtx) -> Result<Vec<String>> {
    let mut names: Vec<String> =
        all_pages!("ListProjects", ctx.codebuild().list_projects(), items)?;
    names.sort();
    Ok(names)
}
