"""The web console in the template: a private bucket only CloudFront reads, the API on the same origin,
and the security headers the local stack sends too."""

from __future__ import annotations

from typing import Any

import pytest

from plaudit_dev.console import CONTENT_SECURITY_POLICY

from .test_template import load_template

pytestmark = pytest.mark.template

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return load_template()["Resources"]


def distribution(resources: dict[str, Any]) -> dict[str, Any]:
    return resources["ConsoleDistribution"]["Properties"]["DistributionConfig"]


def test_the_bucket_is_private_and_only_the_distribution_reads_it(resources) -> None:
    bucket = resources["ConsoleBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    statements = resources["ConsoleBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    (read,) = [s for s in statements if s["Effect"] == "Allow"]
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert read["Action"] == "s3:GetObject"
    assert "${ConsoleDistribution}" in read["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    (origin,) = [o for o in distribution(resources)["Origins"] if o["Id"] == "console"]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["ConsoleOriginAccessControl", "Id"]}


def test_security_headers(resources) -> None:
    headers = resources["ConsoleHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    security = headers["SecurityHeadersConfig"]
    csp_template, variables = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    csp = csp_template.replace(" ${Issuer}", "")
    assert csp == CONTENT_SECURITY_POLICY  # the same in prod as on the local stack, but for the issuer:
    assert "connect-src 'self' ${Issuer};" in csp_template  # the console exchanges its code there
    cognito, external = variables["Issuer"]["Fn::If"][1:]
    assert cognito == {"Fn::Sub": "https://${UserPoolDomain}.auth.${AWS::Region}.amazoncognito.com"}
    assert external["Fn::Join"][1][0] == "https://"  # the external issuer's origin
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no unsafe-inline, no unsafe-eval
    assert directives["frame-ancestors"] == "'none'"
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert distribution(resources)["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {
        "Ref": "ConsoleHeadersPolicy"
    }


def test_the_api_shares_the_consoles_origin_uncached(resources) -> None:
    config = distribution(resources)
    (api,) = [o for o in config["Origins"] if o["Id"] == "api"]
    assert "${HttpApi}" in api["DomainName"]["Fn::Sub"]
    assert api["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    behaviours = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    assert set(behaviours) == {"/v1/*", "/openapi.json"}
    for behaviour in behaviours.values():
        assert behaviour["TargetOriginId"] == "api"
        assert behaviour["CachePolicyId"] == CACHING_DISABLED
    assert {"POST", "PUT", "PATCH", "DELETE"} <= set(behaviours["/v1/*"]["AllowedMethods"])
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"


def test_the_consoles_url_is_an_output() -> None:
    outputs = load_template()["Outputs"]
    assert outputs["ConsoleUrl"]["Value"] == {"Fn::Sub": "https://${ConsoleDistribution.DomainName}"}
    assert outputs["ConsoleBucketName"]["Value"] == {"Ref": "ConsoleBucket"}
