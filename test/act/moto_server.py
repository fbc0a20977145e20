# moto_server for the act run (test/act/fixture.ts), with gaps of moto 5.2 closed the way the real
# services behave (README: "Rehearse the pipeline locally"):
# 1. CloudFormation's AWS::EC2::VPC ignores EnableDnsHostnames/EnableDnsSupport (network.yml sets
#    them); awsvpc RunTask (the seed job) then fails on the task ENI's missing private DNS name.
# 2. AWS::ECR::Repository ignores EmptyOnDelete (service.yml sets it): deleting a service stack
#    whose repository holds images fails ("still contains images").
# 3. ECS tasks never run, so every container stops with exit code 0. A command override ending in
#    the word `act-exit=<code>` stops with that code instead: how a scenario makes the seed fail.
# 4. A service reports MOTO_ECS_SERVICE_RUNNING tasks whatever its desired count (production
#    asks for 2), and UpdateService never starts a deployment of the new task definition (the
#    old one stays PRIMARY, which reads as a rollback). Here a service runs what it asks for and
#    every new task definition gets a new PRIMARY deployment that completes, or, when its first
#    container has the environment variable ACT_ROLLOUT=FAILED, fails (its tasks "crash"): how a
#    scenario makes one service's deploy fail.
# 5. With ACT_PUBLIC_HOST set, `!GetAtt LoadBalancer.DNSName` (only the platform stack's PublicUrl
#    output reads it) answers that loopback host:port, where the test serves the local stack, so
#    the verify job reaches the real services and never an `*.elb.amazonaws.com` name.
#    DescribeLoadBalancers keeps moto's real-looking name.
import os
import random
import re
import sys

from moto.ec2.models.vpcs import VPC
from moto.ecr.models import Repository, ecr_backends
from moto.core.utils import utcnow
from moto.ecs.models import EC2ContainerServiceBackend, Service, Task
from moto.ecs.responses import EC2ContainerServiceResponse as ECSResponse
from moto.elbv2.models import FakeLoadBalancer
from moto.server import main

_create_vpc = VPC.create_from_cloudformation_json.__func__


def _truthy(value):
    return str(value).lower() == "true"


@classmethod
def _create_vpc_with_dns(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    vpc = _create_vpc(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    properties = cloudformation_json.get("Properties", {})
    if "EnableDnsHostnames" in properties:
        vpc.enable_dns_hostnames = _truthy(properties["EnableDnsHostnames"])
    if "EnableDnsSupport" in properties:
        vpc.enable_dns_support = _truthy(properties["EnableDnsSupport"])
    return vpc


VPC.create_from_cloudformation_json = _create_vpc_with_dns

_create_repository = Repository.create_from_cloudformation_json.__func__


@classmethod
def _create_repository_remembering_empty_on_delete(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    repository = _create_repository(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
    repository.act_empty_on_delete = _truthy(cloudformation_json.get("Properties", {}).get("EmptyOnDelete", False))
    return repository


def _delete_repository(self, account_id, region_name):
    ecr_backends[account_id][region_name].delete_repository(
        self.name, force=getattr(self, "act_empty_on_delete", False)
    )


Repository.create_from_cloudformation_json = _create_repository_remembering_empty_on_delete
Repository.delete = _delete_repository

_task_init = Task.__init__


def _task_init_with_exit_code(self, *args, **kwargs):
    _task_init(self, *args, **kwargs)
    for override in (self.overrides or {}).get("containerOverrides", []):
        words = override.get("command") or []
        last = words[-1] if words else ""
        match = re.fullmatch(r"act-exit=(\d+)", last.split()[-1] if last.split() else "")
        if match:
            for container in self.containers:
                if container.name == override.get("name", container.name):
                    container.exitCode = int(match.group(1))


Task.__init__ = _task_init_with_exit_code

def _settle(service, task_definition, new_deployment):
    """The service's deployment finished on task_definition, or failed on ACT_ROLLOUT=FAILED."""
    environment = {}
    if task_definition is not None and task_definition.container_definitions:
        for entry in task_definition.container_definitions[0].get("environment") or []:
            environment[entry.get("name")] = entry.get("value")
    failed = environment.get("ACT_ROLLOUT") == "FAILED"
    service.running_count = 0 if failed else service.desired_count
    service.pending_count = 0
    if not service.deployments:
        return
    deployment = dict(service.deployments[0])
    if new_deployment:
        deployment["id"] = f"ecs-svc/{random.randint(0, 32**12)}"
        deployment["createdAt"] = utcnow()
    deployment["updatedAt"] = utcnow()
    deployment["taskDefinition"] = task_definition.arn if task_definition is not None else deployment["taskDefinition"]
    deployment["desiredCount"] = service.desired_count
    deployment["runningCount"] = service.running_count
    deployment["pendingCount"] = 0
    deployment["failedTasks"] = service.desired_count if failed else 0
    deployment["rolloutState"] = "FAILED" if failed else "COMPLETED"
    deployment["rolloutStateReason"] = (
        "ECS deployment circuit breaker: tasks failed to start (ACT_ROLLOUT=FAILED)."
        if failed
        else f"ECS deployment {deployment['id']} completed."
    )
    service.deployments = [deployment]


_service_init = Service.__init__


def _service_init_settled(self, cluster, service_name, desired_count, backend, task_definition=None, *args, **kwargs):
    _service_init(self, cluster, service_name, desired_count, backend, task_definition, *args, **kwargs)
    _settle(self, task_definition, new_deployment=False)


Service.__init__ = _service_init_settled

_update_service = EC2ContainerServiceBackend.update_service


def _update_service_settled(self, service_properties):
    new_task_definition = service_properties.get("task_definition")
    force = service_properties.get("force_new_deployment", False)
    cluster = service_properties.get("cluster", "default")
    previous = self._get_service(cluster, service_properties["service"].split("/")[-1]).task_definition
    service = _update_service(self, service_properties)
    if (new_task_definition and self.describe_task_definition(new_task_definition).arn != previous) or force:
        _settle(service, self.describe_task_definition(service.task_definition), new_deployment=True)
    return service


EC2ContainerServiceBackend.update_service = _update_service_settled

# 6. CreateService drops capacityProviderStrategy (the service runs on the strategy it was given,
#    and DescribeServices reports it): kept here, so a scenario can check where a service runs.
_create_service_response = ECSResponse.create_service


def _create_service_keeping_capacity(self):
    result = _create_service_response(self)
    strategy = self._get_param("capacityProviderStrategy")
    if strategy:
        service = self.ecs_backend._get_service(
            self._get_param("cluster", "default"), self._get_param("serviceName")
        )
        service.capacity_provider_strategy = strategy
    return result


ECSResponse.create_service = _create_service_keeping_capacity

_public_host = os.environ.get("ACT_PUBLIC_HOST", "")
if _public_host:
    if not re.fullmatch(r"127\.\d+\.\d+\.\d+:\d+", _public_host):
        sys.exit(f"ACT_PUBLIC_HOST must be a loopback host:port, found {_public_host}")
    _get_att = FakeLoadBalancer.get_cfn_attribute

    def _get_att_local(self, attribute_name):
        if attribute_name == "DNSName":
            return _public_host
        return _get_att(self, attribute_name)

    FakeLoadBalancer.get_cfn_attribute = _get_att_local

if __name__ == "__main__":
    sys.exit(main())
