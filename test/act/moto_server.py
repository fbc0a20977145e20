# moto_server for the act run, with two gaps of moto 5.2 closed the way the real services behave
# (test/act/README.md: "What the act run changes in moto"):
# 1. CloudFormation's AWS::EC2::VPC ignores EnableDnsHostnames/EnableDnsSupport (network.yml sets
#    them); awsvpc RunTask (the seed job) then fails on the task ENI's missing private DNS name.
# 2. With ACT_PUBLIC_HOST set, `!GetAtt LoadBalancer.DNSName` (only the platform stack's PublicUrl
#    output reads it) answers that loopback host:port, where the test serves the local stack, so
#    the verify job reaches the real services and never an `*.elb.amazonaws.com` name.
#    DescribeLoadBalancers keeps moto's real-looking name.
import os
import re
import sys

from moto.ec2.models.vpcs import VPC
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
