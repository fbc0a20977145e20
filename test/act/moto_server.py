# moto_server for the act run, with two gaps of moto 5.2 closed the way the real services behave
# (test/act/README.md: "What the act run changes in moto"):
# 1. CloudFormation's AWS::EC2::VPC ignores EnableDnsHostnames/EnableDnsSupport (network.yml sets
#    them); awsvpc RunTask (the seed job) then fails on the task ENI's missing private DNS name.
# 2. AWS::ECR::Repository ignores EmptyOnDelete (service.yml sets it): deleting a service stack
#    whose repository holds images fails ("still contains images").
# 3. ECS tasks never run, so every container stops with exit code 0. A command override ending in
#    the word `act-exit=<code>` stops with that code instead: how a scenario makes the seed fail.
# 4. With ACT_PUBLIC_HOST set, `!GetAtt LoadBalancer.DNSName` (only the platform stack's PublicUrl
#    output reads it) answers that loopback host:port, where the test serves the local stack, so
#    the verify job reaches the real services and never an `*.elb.amazonaws.com` name.
#    DescribeLoadBalancers keeps moto's real-looking name.
import os
import re
import sys

from moto.ec2.models.vpcs import VPC
from moto.ecr.models import Repository, ecr_backends
from moto.ecs.models import Task
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
