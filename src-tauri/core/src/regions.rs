//! AWS regions where CodePipeline, CodeBuild and CodeStar Connections are all available.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RegionInfo {
    pub code: String,
    pub name: String,
}

pub const REGIONS: &[(&str, &str)] = &[
    ("us-east-1", "US East (N. Virginia)"),
    ("us-east-2", "US East (Ohio)"),
    ("us-west-1", "US West (N. California)"),
    ("us-west-2", "US West (Oregon)"),
    ("af-south-1", "Africa (Cape Town)"),
    ("ap-east-1", "Asia Pacific (Hong Kong)"),
    ("ap-south-1", "Asia Pacific (Mumbai)"),
    ("ap-northeast-1", "Asia Pacific (Tokyo)"),
    ("ap-northeast-2", "Asia Pacific (Seoul)"),
    ("ap-northeast-3", "Asia Pacific (Osaka)"),
    ("ap-southeast-1", "Asia Pacific (Singapore)"),
    ("ap-southeast-2", "Asia Pacific (Sydney)"),
    ("ca-central-1", "Canada (Central)"),
    ("eu-central-1", "Europe (Frankfurt)"),
    ("eu-central-2", "Europe (Zurich)"),
    ("eu-west-1", "Europe (Ireland)"),
    ("eu-west-2", "Europe (London)"),
    ("eu-west-3", "Europe (Paris)"),
    ("eu-north-1", "Europe (Stockholm)"),
    ("eu-south-1", "Europe (Milan)"),
    ("eu-south-2", "Europe (Spain)"),
    ("il-central-1", "Israel (Tel Aviv)"),
    ("me-central-1", "Middle East (UAE)"),
    ("me-south-1", "Middle East (Bahrain)"),
    ("sa-east-1", "South America (São Paulo)"),
    ("us-gov-east-1", "AWS GovCloud (US-East)"),
    ("us-gov-west-1", "AWS GovCloud (US-West)"),
];

pub fn list() -> Vec<RegionInfo> {
    REGIONS
        .iter()
        .map(|(code, name)| RegionInfo {
            code: (*code).to_owned(),
            name: (*name).to_owned(),
        })
        .collect()
}

/// The shape of a region code (`us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`).
/// New regions appear often, so the rule is the shape, not membership in [`REGIONS`].
pub fn is_region_code(s: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"^[a-z]{2}(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-[1-9]$")
            .expect("valid regex")
    })
    .is_match(s)
}

pub const REGION_RULE: &str = "must be an AWS region code such as us-east-1 or eu-west-2";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_regions_have_the_region_shape() {
        for (code, _) in REGIONS {
            assert!(is_region_code(code), "{code}");
        }
        for bad in [
            "",
            "us-east",
            "US-EAST-1",
            "us_east_1",
            "mars-east-1",
            "us-east-0",
            "eu-west-2 ",
        ] {
            assert!(!is_region_code(bad), "{bad:?}");
        }
        assert!(is_region_code("cn-north-1"));
        assert!(is_region_code("ap-southeast-5"));
    }
}
