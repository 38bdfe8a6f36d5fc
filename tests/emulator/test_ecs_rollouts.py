"""ECS rollouts: the CodePipeline ECS action's deployment completes, is rolled back by the circuit
breaker (stopped tasks with reasons, a rollback deployment) or stays in progress; UpdateService
starts rollouts too. Responses are checked against botocore's output shapes."""

from __future__ import annotations

from typing import Any

from test_emulator import make_pipeline_env, pipeline_decl, wait_execution, wait_for


def deploy_action(cp: Any, pipeline: str) -> dict[str, Any]:
    return cp.get_pipeline_state(name=pipeline)["stageStates"][2]["actionStates"][0]["latestExecution"]


def service(ecs: Any) -> dict[str, Any]:
    return ecs.describe_services(cluster="cruddur", services=["backend-flask"])["services"][0]


def test_a_deployment_that_completes(server, account):
    env = make_pipeline_env(server, account)
    cp, ecs = server.client("codepipeline", account), server.client("ecs", account)
    before = service(ecs)["taskDefinition"]
    cp.create_pipeline(pipeline=pipeline_decl(env, "app"))
    ex = cp.list_pipeline_executions(pipelineName="app")["pipelineExecutionSummaries"][0]["pipelineExecutionId"]
    assert wait_execution(cp, "app", ex) == "Succeeded"
    dep_id = deploy_action(cp, "app")["externalExecutionId"]
    assert dep_id.startswith("ecs-svc/")
    svc = service(ecs)
    # The new revision is the only deployment left, COMPLETED, with the new image tag.
    assert [d["id"] for d in svc["deployments"]] == [dep_id]
    d = svc["deployments"][0]
    assert (d["status"], d["rolloutState"], d["runningCount"], d["failedTasks"]) == ("PRIMARY", "COMPLETED", 1, 0)
    assert d["taskDefinition"] != before and d["taskDefinition"].endswith(":2")
    td = ecs.describe_task_definition(taskDefinition=d["taskDefinition"])["taskDefinition"]
    assert not td["containerDefinitions"][0]["image"].endswith(":latest")
    messages = [e["message"] for e in svc["events"]]
    assert messages[0] == "(service backend-flask) has reached a steady state."
    assert f"(service backend-flask) (deployment {dep_id}) deployment completed." in messages


def test_a_deployment_rolled_back_by_the_circuit_breaker_while_codepipeline_says_succeeded(server, account):
    env = make_pipeline_env(server, account)
    status, _ = server.ctl("POST", "/_pipewright/deployments/next-outcome",
                           {"service": "backend-flask", "outcome": "rollback", "failure": "CannotPullContainerError",
                            "account": account})
    assert status == 200
    cp, ecs = server.client("codepipeline", account), server.client("ecs", account)
    first = service(ecs)["deployments"][0]
    cp.create_pipeline(pipeline=pipeline_decl(env, "app"))
    ex = cp.list_pipeline_executions(pipelineName="app")["pipelineExecutionSummaries"][0]["pipelineExecutionId"]
    # The masking behaviour users complain about: the action and the execution succeed.
    assert wait_execution(cp, "app", ex) == "Succeeded"
    dep_id = deploy_action(cp, "app")["externalExecutionId"]
    svc = service(ecs)
    # The failed deployment is gone; the rollback deployment of the first task definition runs.
    assert len(svc["deployments"]) == 1
    rb = svc["deployments"][0]
    assert rb["id"] != dep_id and rb["taskDefinition"] == first["taskDefinition"] and rb["rolloutState"] == "COMPLETED"
    messages = [e["message"] for e in svc["events"]]
    assert f"(service backend-flask) (deployment {dep_id}) deployment failed: tasks failed to start." in messages
    assert f"(service backend-flask) rolling back to deployment {first['id']}." in messages
    # Three stopped tasks (the circuit breaker's minimum threshold), each with its reason.
    arns = ecs.list_tasks(cluster="cruddur", startedBy=dep_id, desiredStatus="STOPPED")["taskArns"]
    assert len(arns) == 3
    tasks = ecs.describe_tasks(cluster="cruddur", tasks=arns)["tasks"]
    for t in tasks:
        assert t["lastStatus"] == "STOPPED" and t["stopCode"] == "TaskFailedToStart"
        assert t["stoppedReason"].startswith("CannotPullContainerError:")
        assert t["containers"][0]["reason"].startswith("CannotPullContainerError:")
        assert t["startedBy"] == dep_id and t["group"] == "service:backend-flask"


def test_during_a_rollback_the_failed_deployment_is_shown_failed(server, account):
    env = make_pipeline_env(server, account)
    server.ctl("POST", "/_pipewright/config", {"account": account, "stepSeconds": 0.4})
    server.ctl("POST", "/_pipewright/deployments/next-outcome",
               {"service": "backend-flask", "outcome": "rollback", "failure": "EssentialContainerExited",
                "actionResult": "Failed", "account": account})
    cp, ecs = server.client("codepipeline", account), server.client("ecs", account)
    cp.create_pipeline(pipeline=pipeline_decl(env, "app"))
    ex = cp.list_pipeline_executions(pipelineName="app")["pipelineExecutionSummaries"][0]["pipelineExecutionId"]
    assert wait_execution(cp, "app", ex) == "Failed"
    action = deploy_action(cp, "app")
    assert action["status"] == "Failed" and "circuit breaker" in action["errorDetails"]["message"]
    dep_id = action["externalExecutionId"]
    svc = service(ecs)
    failed = next(d for d in svc["deployments"] if d["id"] == dep_id)
    assert failed["rolloutState"] == "FAILED" and failed["status"] == "ACTIVE" and failed["failedTasks"] == 3
    assert failed["rolloutStateReason"] == "ECS deployment circuit breaker: tasks failed to start."
    assert svc["deployments"][0]["status"] == "PRIMARY" and svc["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    arns = ecs.list_tasks(cluster="cruddur", startedBy=dep_id, desiredStatus="STOPPED")["taskArns"]
    t = ecs.describe_tasks(cluster="cruddur", tasks=arns[:1])["tasks"][0]
    assert t["stoppedReason"] == "Essential container in task exited" and t["containers"][0]["exitCode"] == 1


def test_a_deployment_that_never_becomes_healthy_stays_in_progress(server, account):
    env = make_pipeline_env(server, account)
    server.ctl("POST", "/_pipewright/deployments/next-outcome",
               {"service": "backend-flask", "outcome": "stuck", "account": account})
    cp, ecs = server.client("codepipeline", account), server.client("ecs", account)
    cp.create_pipeline(pipeline=pipeline_decl(env, "app"))
    wait_for(lambda: (deploy_action(cp, "app") if len(cp.get_pipeline_state(name="app")["stageStates"]) > 2
                      and cp.get_pipeline_state(name="app")["stageStates"][2].get("actionStates", [{}])[0]
                      .get("latestExecution") else None), timeout=15, what="the deploy action to start")
    import time

    time.sleep(1.0)
    assert deploy_action(cp, "app")["status"] == "InProgress"
    d = service(ecs)["deployments"][0]
    assert (d["rolloutState"], d["runningCount"], d["pendingCount"]) == ("IN_PROGRESS", 0, 1)


def test_update_service_rolls_out_another_task_definition(server, account):
    make_pipeline_env(server, account)
    ecs = server.client("ecs", account)
    first = service(ecs)["taskDefinition"]
    td2 = ecs.register_task_definition(family="backend-flask", containerDefinitions=[
        {"name": "backend-flask", "image": f"{account}.dkr.ecr.us-east-1.amazonaws.com/backend-flask:v2",
         "memory": 512}])["taskDefinition"]["taskDefinitionArn"]
    ecs.update_service(cluster="cruddur", service="backend-flask", taskDefinition=td2)
    svc = service(ecs)
    assert svc["deployments"][0]["taskDefinition"] == td2 and svc["deployments"][0]["rolloutState"] == "IN_PROGRESS"
    assert svc["deployments"][1]["taskDefinition"] == first and svc["deployments"][1]["status"] == "ACTIVE"
    wait_for(lambda: service(ecs)["deployments"][0]["rolloutState"] == "COMPLETED" or None, timeout=10,
             what="the rollout to complete")
    svc = service(ecs)
    assert svc["taskDefinition"] == td2 and len(svc["deployments"]) == 1


def test_deploy_outcome_control_validates(server):
    assert server.ctl("POST", "/_pipewright/deployments/next-outcome", {"outcome": "rollback"})[0] == 400
    assert server.ctl("POST", "/_pipewright/deployments/next-outcome",
                      {"service": "s", "outcome": "explode"})[0] == 400
    assert server.ctl("POST", "/_pipewright/deployments/next-outcome",
                      {"service": "s", "failure": "Gremlins"})[0] == 400
    status, body = server.ctl("POST", "/_pipewright/deployments/next-outcome", {"service": "s", "account": "1"})
    assert status == 200 and body["outcome"]["outcome"] == "complete"
    assert server.ctl("DELETE", "/_pipewright/deployments/next-outcome")[1] == {"cleared": 1}


def test_rollback_stage_runs_the_deploy_again_with_the_target_execution_s_revision(server, account):
    import pytest
    from botocore.exceptions import ClientError

    env = make_pipeline_env(server, account)
    cp, ecs = server.client("codepipeline", account), server.client("ecs", account)
    cp.create_pipeline(pipeline=pipeline_decl(env, "app", ptype="V2"))
    first = cp.list_pipeline_executions(pipelineName="app")["pipelineExecutionSummaries"][0]["pipelineExecutionId"]
    assert wait_execution(cp, "app", first) == "Succeeded"
    good_td = service(ecs)["taskDefinition"]
    second = cp.start_pipeline_execution(name="app")["pipelineExecutionId"]
    assert wait_execution(cp, "app", second) == "Succeeded"
    assert service(ecs)["taskDefinition"] != good_td

    # Not to the execution the stage runs now, nor to a stage that never ran.
    with pytest.raises(ClientError) as e:
        cp.rollback_stage(pipelineName="app", stageName="Deploy", targetPipelineExecutionId=second)
    assert e.value.response["Error"]["Code"] == "UnableToRollbackStageException"
    with pytest.raises(ClientError) as e:
        cp.rollback_stage(pipelineName="app", stageName="Nope", targetPipelineExecutionId=first)
    assert e.value.response["Error"]["Code"] == "StageNotFoundException"

    rb = cp.rollback_stage(pipelineName="app", stageName="Deploy", targetPipelineExecutionId=first)["pipelineExecutionId"]
    assert wait_execution(cp, "app", rb) == "Succeeded"
    ex = cp.get_pipeline_execution(pipelineName="app", pipelineExecutionId=rb)["pipelineExecution"]
    assert ex["executionType"] == "ROLLBACK" and ex["trigger"]["triggerType"] == "ManualRollback"
    assert ex["rollbackMetadata"] == {"rollbackTargetPipelineExecutionId": first}
    summary = cp.list_pipeline_executions(pipelineName="app")["pipelineExecutionSummaries"][0]
    assert summary["pipelineExecutionId"] == rb and summary["executionType"] == "ROLLBACK"
    # Only the Deploy stage ran, with the first execution's commit: the image tag is that commit's.
    actions = cp.list_action_executions(pipelineName="app", filter={"pipelineExecutionId": rb})["actionExecutionDetails"]
    assert [a["stageName"] for a in actions] == ["Deploy"]
    first_sha = cp.get_pipeline_execution(pipelineName="app", pipelineExecutionId=first)["pipelineExecution"][
        "artifactRevisions"][0]["revisionId"]
    td = ecs.describe_task_definition(taskDefinition=service(ecs)["taskDefinition"])["taskDefinition"]
    assert td["containerDefinitions"][0]["image"].endswith(":" + first_sha[:8])


def test_rollback_stage_is_for_v2_pipelines(server, account):
    import pytest
    from botocore.exceptions import ClientError

    env = make_pipeline_env(server, account)
    cp = server.client("codepipeline", account)
    cp.create_pipeline(pipeline=pipeline_decl(env, "app"))
    first = cp.list_pipeline_executions(pipelineName="app")["pipelineExecutionSummaries"][0]["pipelineExecutionId"]
    assert wait_execution(cp, "app", first) == "Succeeded"
    second = cp.start_pipeline_execution(name="app")["pipelineExecutionId"]
    assert wait_execution(cp, "app", second) == "Succeeded"
    with pytest.raises(ClientError) as e:
        cp.rollback_stage(pipelineName="app", stageName="Deploy", targetPipelineExecutionId=first)
    assert e.value.response["Error"]["Code"] == "UnableToRollbackStageException"
    assert "V2" in e.value.response["Error"]["Message"]


def approval_decl(env: dict[str, Any]) -> dict[str, Any]:
    decl = pipeline_decl(env, "app")
    decl["stages"].insert(2, {"name": "Approve", "actions": [{
        "name": "Review",
        "actionTypeId": {"category": "Approval", "owner": "AWS", "provider": "Manual", "version": "1"},
        "configuration": {"CustomData": "Check staging first", "ExternalEntityLink": "https://example.com/staging"}}]})
    return decl


def waiting_token(cp: Any) -> str | None:
    st = cp.get_pipeline_state(name="app")["stageStates"][2]["actionStates"][0].get("latestExecution") or {}
    return st.get("token") if st.get("status") == "InProgress" else None


def test_a_manual_approval_waits_for_put_approval_result(server, account):
    import pytest
    from botocore.exceptions import ClientError

    env = make_pipeline_env(server, account)
    cp = server.client("codepipeline", account)
    cp.create_pipeline(pipeline=approval_decl(env))
    ex = cp.list_pipeline_executions(pipelineName="app")["pipelineExecutionSummaries"][0]["pipelineExecutionId"]
    token = wait_for(lambda: waiting_token(cp), timeout=15, what="the approval to wait")
    import time

    time.sleep(0.5)
    assert waiting_token(cp) == token, "still waiting"
    with pytest.raises(ClientError) as e:
        cp.put_approval_result(pipelineName="app", stageName="Approve", actionName="Review",
                               result={"summary": "ok", "status": "Approved"}, token="00000000-0000-0000-0000-000000000000")
    assert e.value.response["Error"]["Code"] == "InvalidApprovalTokenException"
    with pytest.raises(ClientError) as e:
        cp.put_approval_result(pipelineName="app", stageName="Approve", actionName="Nope",
                               result={"summary": "ok", "status": "Approved"}, token=token)
    assert e.value.response["Error"]["Code"] == "ActionNotFoundException"
    out = cp.put_approval_result(pipelineName="app", stageName="Approve", actionName="Review",
                                 result={"summary": "staging looks good", "status": "Approved"}, token=token)
    assert "approvedAt" in out
    assert wait_execution(cp, "app", ex) == "Succeeded"
    review = cp.get_pipeline_state(name="app")["stageStates"][2]["actionStates"][0]["latestExecution"]
    assert review["status"] == "Succeeded" and "staging looks good" in review["summary"] and "token" not in review
    with pytest.raises(ClientError) as e:
        cp.put_approval_result(pipelineName="app", stageName="Approve", actionName="Review",
                               result={"summary": "again", "status": "Approved"}, token=token)
    assert e.value.response["Error"]["Code"] == "ApprovalAlreadyCompletedException"

    # Rejected: the execution fails at the approval and Deploy does not run for it.
    ex2 = cp.start_pipeline_execution(name="app")["pipelineExecutionId"]
    token2 = wait_for(lambda: (lambda t: t if t and t != token else None)(waiting_token(cp)), timeout=15,
                      what="the second approval")
    cp.put_approval_result(pipelineName="app", stageName="Approve", actionName="Review",
                           result={"summary": "not today", "status": "Rejected"}, token=token2)
    assert wait_execution(cp, "app", ex2) == "Failed"
    review = cp.get_pipeline_state(name="app")["stageStates"][2]["actionStates"][0]["latestExecution"]
    assert review["status"] == "Failed" and "not today" in review["errorDetails"]["message"]
