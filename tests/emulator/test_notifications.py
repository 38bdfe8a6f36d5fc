"""CodeStar Notifications: rules on a pipeline to an SNS topic whose policy lets the service publish."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from test_emulator import make_pipeline_env, pipeline_decl

EVENTS = ["codepipeline-pipeline-pipeline-execution-failed", "codepipeline-pipeline-manual-approval-needed"]


def topic(server: Any, account: str, allow: bool) -> str:
    sns = server.client("sns", account)
    arn = sns.create_topic(Name="approvals")["TopicArn"]
    if allow:
        policy = {"Version": "2012-10-17", "Statement": [{
            "Sid": "CodeNotifications", "Effect": "Allow",
            "Principal": {"Service": "codestar-notifications.amazonaws.com"},
            "Action": "SNS:Publish", "Resource": arn}]}
        policy["Statement"][0]["Action"] = "sns:Publish"
        sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy", AttributeValue=json.dumps(policy))
    return arn


def code(e: pytest.ExceptionInfo[ClientError]) -> str:
    return e.value.response["Error"]["Code"]


def test_a_rule_on_a_pipeline_to_a_topic(server, account):
    env = make_pipeline_env(server, account)
    server.ctl("POST", "/_pipewright/config", {"account": account, "autoStartOnCreate": False})
    cp, cn = server.client("codepipeline", account), server.client("codestar-notifications", account)
    pipeline_arn = cp.create_pipeline(pipeline=pipeline_decl(env, "app"))["pipeline"]
    pipeline_arn = cp.get_pipeline(name="app")["metadata"]["pipelineArn"]
    closed = topic(server, account, allow=False)
    rule = {"Name": "app-pipewright", "EventTypeIds": EVENTS, "Resource": pipeline_arn,
            "Targets": [{"TargetType": "SNS", "TargetAddress": closed}], "DetailType": "FULL",
            "Tags": {"created-by": "pipewright"}}
    # The topic's policy must let CodeStar Notifications publish (the console adds it; the API does not).
    with pytest.raises(ClientError) as e:
        cn.create_notification_rule(**rule)
    assert code(e) == "ConfigurationException"
    open_topic = topic(server, account, allow=True)
    assert open_topic == closed  # CreateTopic of the same name answers the same topic
    arn = cn.create_notification_rule(**rule, ClientRequestToken="t-1")["Arn"]
    assert arn.startswith(f"arn:aws:codestar-notifications:us-east-1:{account}:notificationrule/")
    # The same token answers the same rule; another create of the name is refused.
    assert cn.create_notification_rule(**rule, ClientRequestToken="t-1")["Arn"] == arn
    with pytest.raises(ClientError) as e:
        cn.create_notification_rule(**rule, ClientRequestToken="t-2")
    assert code(e) == "ResourceAlreadyExistsException"

    got = cn.describe_notification_rule(Arn=arn)
    assert got["Name"] == "app-pipewright" and got["Resource"] == pipeline_arn and got["Status"] == "ENABLED"
    assert [e["EventTypeId"] for e in got["EventTypes"]] == EVENTS
    assert got["Targets"][0]["TargetAddress"] == open_topic and got["Tags"] == {"created-by": "pipewright"}
    listed = cn.list_notification_rules(Filters=[{"Name": "RESOURCE", "Value": pipeline_arn}])["NotificationRules"]
    assert [r["Arn"] for r in listed] == [arn]
    assert cn.list_notification_rules(Filters=[{"Name": "RESOURCE", "Value": pipeline_arn + "x"}])["NotificationRules"] == []

    cn.update_notification_rule(Arn=arn, EventTypeIds=EVENTS[:1], DetailType="BASIC")
    got = cn.describe_notification_rule(Arn=arn)
    assert [e["EventTypeId"] for e in got["EventTypes"]] == EVENTS[:1] and got["DetailType"] == "BASIC"
    assert cn.delete_notification_rule(Arn=arn)["Arn"] == arn
    with pytest.raises(ClientError) as e:
        cn.describe_notification_rule(Arn=arn)
    assert code(e) == "ResourceNotFoundException"


def test_rules_are_checked_as_aws_checks_them(server, account):
    env = make_pipeline_env(server, account)
    server.ctl("POST", "/_pipewright/config", {"account": account, "autoStartOnCreate": False})
    cp = server.client("codepipeline", account)
    cp.create_pipeline(pipeline=pipeline_decl(env, "app"))
    pipeline_arn = cp.get_pipeline(name="app")["metadata"]["pipelineArn"]
    target = [{"TargetType": "SNS", "TargetAddress": topic(server, account, allow=True)}]
    cn = server.client("codestar-notifications", account, client_validation=False)
    base = {"Name": "r", "EventTypeIds": EVENTS, "Resource": pipeline_arn, "Targets": target, "DetailType": "FULL"}
    for change, expected in [
        ({"Resource": pipeline_arn.replace(":app", ":nope")}, "ValidationException"),
        ({"EventTypeIds": ["codebuild-project-build-state-failed"]}, "ValidationException"),
        ({"Targets": [{"TargetType": "SNS", "TargetAddress": target[0]["TargetAddress"] + "-gone"}]},
         "ConfigurationException"),
        ({"Name": "x" * 65}, "ValidationException"),
        ({"DetailType": "LOUD"}, "ValidationException"),
    ]:
        with pytest.raises(ClientError) as e:
            cn.create_notification_rule(**{**base, **change})
        assert code(e) == expected, change
