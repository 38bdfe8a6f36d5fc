//! The AWS prices Pipewright uses, in one place: the wizard's monthly estimate and the build
//! history's cost so far. On-demand, us-east-1, USD. Edit them here when AWS changes its prices,
//! and move `AS_OF` to the day they were read.

/// The day these prices were read off AWS's pricing pages.
pub const AS_OF: &str = "2026-11-01";

/// Where they apply (other regions differ by a few percent).
pub const REGION: &str = "us-east-1";

/// CodeBuild on-demand, Linux x86 (`LINUX_CONTAINER`), per build minute, by compute type.
pub const CODEBUILD_LINUX_MINUTE: &[(&str, f64)] = &[
    ("BUILD_GENERAL1_SMALL", 0.005),
    ("BUILD_GENERAL1_MEDIUM", 0.01),
    ("BUILD_GENERAL1_LARGE", 0.02),
    ("BUILD_GENERAL1_XLARGE", 0.04),
    ("BUILD_GENERAL1_2XLARGE", 0.08),
];

/// CodePipeline V2: per action execution minute.
pub const PIPELINE_V2_ACTION_MINUTE: f64 = 0.002;

/// CodePipeline V1: per active pipeline per month.
pub const PIPELINE_V1_MONTH: f64 = 1.0;

/// The price of a build minute, or `None` for builds these constants do not price (ARM, GPU,
/// Lambda and Windows environments, unknown compute types). A build whose environment type is
/// not known (stored by an older Pipewright) counts as Linux, what CodeBuild defaults to.
pub fn codebuild_minute(environment_type: Option<&str>, compute_type: Option<&str>) -> Option<f64> {
    if environment_type.is_some_and(|t| t != "LINUX_CONTAINER") {
        return None;
    }
    let compute = compute_type?;
    CODEBUILD_LINUX_MINUTE
        .iter()
        .find(|(c, _)| *c == compute)
        .map(|(_, p)| *p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_linux_builds_by_compute_type_and_nothing_else() {
        assert_eq!(
            codebuild_minute(Some("LINUX_CONTAINER"), Some("BUILD_GENERAL1_SMALL")),
            Some(0.005)
        );
        assert_eq!(
            codebuild_minute(None, Some("BUILD_GENERAL1_LARGE")),
            Some(0.02)
        );
        assert_eq!(
            codebuild_minute(None, Some("BUILD_GENERAL1_2XLARGE")),
            Some(0.08)
        );
        assert_eq!(
            codebuild_minute(Some("ARM_CONTAINER"), Some("BUILD_GENERAL1_SMALL")),
            None
        );
        assert_eq!(
            codebuild_minute(Some("LINUX_LAMBDA_CONTAINER"), Some("BUILD_LAMBDA_1GB")),
            None
        );
        assert_eq!(codebuild_minute(None, Some("BUILD_LAMBDA_1GB")), None);
        assert_eq!(codebuild_minute(None, None), None);
    }
}
