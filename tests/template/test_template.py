"""Checks on the SAM template: cfn-lint, a real `sam build`, and the rules we rely on.

`sam validate --lint` and the structural checks are offline. `sam build` cross-installs
the layer's arm64 wheels for python3.13 from PyPI (about 15 s here) and needs a
python3.13 interpreter; it is skipped, saying so, when there is none.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.template

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "template.yaml"
SAM = Path(sys.executable).parent / "sam"
RUNTIME = "python3.13"
ARCH = "arm64"


# --------------------------------------------------------------------------- helpers


class CfnLoader(yaml.SafeLoader):
    """SafeLoader that understands CloudFormation short-form tags (!Ref, !GetAtt, !Sub...)."""


def _construct_cfn_tag(loader: CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


CfnLoader.add_multi_constructor("!", _construct_cfn_tag)


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=CfnLoader)  # noqa: S506 (safe subclass)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


def resources_of(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template["Resources"].items() if res.get("Type") == type_}


def function_props(template: dict[str, Any], name: str) -> dict[str, Any]:
    """A function's properties with Globals.Function applied (shallow, function wins)."""
    globals_ = (template.get("Globals") or {}).get("Function") or {}
    return {**globals_, **template["Resources"][name].get("Properties", {})}


def ref_name(value: Any) -> str | None:
    return value.get("Ref") if isinstance(value, dict) else None


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def sam_env() -> dict[str, str]:
    env = dict(os.environ)
    env["SAM_CLI_TELEMETRY"] = "0"
    env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    env.setdefault("AWS_REGION", env["AWS_DEFAULT_REGION"])
    return env


def _is_python313(env: dict[str, str]) -> bool:
    # subprocess looks the program up on env["PATH"] when env is given.
    try:
        proc = subprocess.run(
            ["python3.13", "-c", "import sys; assert sys.version_info[:2] == (3, 13)"],
            env=env,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def env_with_python313() -> dict[str, str] | None:
    """An environment in which `python3.13` runs (what `sam build` looks for), or None."""
    env = sam_env()
    if shutil.which("python3.13", path=env.get("PATH")) and _is_python313(env):
        return env
    pyenv = shutil.which("pyenv", path=env.get("PATH"))
    if not pyenv:
        return None

    def pyenv_out(*args: str) -> str:
        proc = subprocess.run([pyenv, *args], env=env, capture_output=True, text=True, check=False)
        return proc.stdout.strip() if proc.returncode == 0 else ""

    candidates = [v for v in pyenv_out("versions", "--bare").split() if re.fullmatch(r"3\.13(\.\d+)?", v)]
    if not candidates:
        return None
    version = max(candidates, key=lambda v: tuple(int(p) for p in v.split(".")))
    # Keep the active version(s) first, so python3 stays what it was, and add 3.13.
    current = pyenv_out("version-name")
    env["PYENV_VERSION"] = f"{current}:{version}" if current else version
    if _is_python313(env):
        return env
    # No shims on PATH: put the interpreter's own bin directory in front instead.
    prefix = pyenv_out("prefix", version)
    if prefix:
        env["PATH"] = f"{prefix}/bin{os.pathsep}{env.get('PATH', '')}"
        if _is_python313(env):
            return env
    return None


# --------------------------------------------------------------------------- sam cli


def test_sam_validate_lint_passes(tmp_path: Path) -> None:
    assert SAM.exists(), f"sam not found at {SAM}: run `make venv` (aws-sam-cli is a dev dependency)"
    proc = subprocess.run(
        [str(SAM), "validate", "--lint", "--template-file", str(TEMPLATE)],
        cwd=tmp_path,
        env=sam_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"sam validate --lint failed:\n{proc.stdout}\n{proc.stderr}"


def test_sam_build_python313_arm64(tmp_path: Path, template: dict[str, Any]) -> None:
    assert SAM.exists(), f"sam not found at {SAM}: run `make venv` (aws-sam-cli is a dev dependency)"
    env = env_with_python313()
    if env is None:
        pytest.skip(
            "python3.13 is not installed (not on PATH, no pyenv 3.13.x): `sam build` for the "
            "python3.13 Lambda runtime needs it, so the build check was NOT run"
        )
    build_dir = tmp_path / "build"
    proc = subprocess.run(
        [
            str(SAM),
            "build",
            "--template-file",
            str(TEMPLATE),
            "--build-dir",
            str(build_dir),
            "--parallel",
        ],
        cwd=tmp_path,  # sam writes build.toml / .aws-sam bits here, not in the repo
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, f"sam build failed:\n{proc.stdout}\n{proc.stderr}"
    assert (build_dir / "template.yaml").is_file()
    # what `make build` does next: ship python3.13 bytecode (Lambda cannot write it at run time)
    compiled = subprocess.run(
        ["make", "--no-print-directory", "compile-build", f"BUILD_DIR={build_dir}"],
        cwd=TEMPLATE.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr

    problems: list[str] = []
    for name in resources_of(template, "AWS::Serverless::LayerVersion"):
        site = build_dir / name / "python"
        if not (site / "plaudit" / "__init__.py").is_file():
            problems.append(f"layer {name}: python/plaudit/__init__.py missing")
        if not (site / "pydantic" / "__init__.py").is_file():
            problems.append(f"layer {name}: pydantic missing (layers/core/requirements.txt)")
        # The compiled core must be the Lambda target's, not this machine's.
        if not list(site.glob("pydantic_core/_pydantic_core.cpython-313-aarch64-linux-gnu*.so")):
            problems.append(f"layer {name}: no cp313 aarch64 pydantic_core extension")
        # botocore arrives with the tracer extra; boto3 must then come from the layer too, as a matched pair.
        if (site / "botocore").exists() and not (site / "boto3").exists():
            problems.append(f"layer {name}: botocore is bundled without a matching boto3")
        if not list(site.glob("plaudit/__pycache__/*.cpython-313.pyc")):
            problems.append(f"layer {name}: no python3.13 bytecode for plaudit (make compile-build)")
    for name in resources_of(template, "AWS::Serverless::Function"):
        code_uri = function_props(template, name).get("CodeUri")
        if not (build_dir / name / "app.py").is_file():
            problems.append(f"function {name}: app.py missing from the artifact ({code_uri}/app.py)")
    assert not problems, "sam build artifacts incomplete:\n" + "\n".join(problems)


# --------------------------------------------------------------------------- structure


def domain_table_name(template: dict[str, Any]) -> str:
    """The table that TABLE_NAME points at (Globals, else the first function that sets it)."""
    candidates = [(template.get("Globals") or {}).get("Function") or {}]
    functions = resources_of(template, "AWS::Serverless::Function").values()
    candidates += [fn.get("Properties", {}) for fn in functions]
    for props in candidates:
        name = ref_name(((props.get("Environment") or {}).get("Variables") or {}).get("TABLE_NAME"))
        if name:
            return name
    pytest.fail("no function environment sets TABLE_NAME to !Ref the domain table")


def test_domain_table_settings(template: dict[str, Any]) -> None:
    name = domain_table_name(template)
    table = template["Resources"][name]
    props = table["Properties"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert props.get("BillingMode") == "PAY_PER_REQUEST"
    assert (props.get("PointInTimeRecoverySpecification") or {}).get("PointInTimeRecoveryEnabled") is True
    assert (props.get("StreamSpecification") or {}).get("StreamViewType") == "NEW_AND_OLD_IMAGES"
    assert props.get("TimeToLiveSpecification") == {"AttributeName": "expires_at", "Enabled": True}
    assert (props.get("SSESpecification") or {}).get("SSEEnabled") is True
    # The ledger lives here: deleting the stack must not delete it.
    assert table.get("DeletionPolicy") == "Retain"
    assert table.get("UpdateReplacePolicy") == "Retain"


def test_functions_use_runtime_arch_and_core_layer(template: dict[str, Any]) -> None:
    functions = resources_of(template, "AWS::Serverless::Function")
    assert functions
    for name in functions:
        props = function_props(template, name)
        assert props.get("Runtime") == RUNTIME, name
        assert props.get("Architectures") == [ARCH], name
        assert "CoreLayer" in [ref_name(layer) for layer in as_list(props.get("Layers"))], name


def test_every_function_logs_to_a_group_with_retention(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    for name in resources_of(template, "AWS::Serverless::Function"):
        logging_config = function_props(template, name).get("LoggingConfig") or {}
        group = ref_name(logging_config.get("LogGroup"))
        assert group, f"{name}: LoggingConfig.LogGroup should !Ref an AWS::Logs::LogGroup of the template"
        assert resources.get(group, {}).get("Type") == "AWS::Logs::LogGroup", f"{name}: {group}"
        assert "RetentionInDays" in resources[group].get("Properties", {}), f"{group}: no RetentionInDays"


def test_http_routes_use_the_default_jwt_authorizer(template: dict[str, Any]) -> None:
    apis = resources_of(template, "AWS::Serverless::HttpApi")
    assert apis, "expected an AWS::Serverless::HttpApi"
    defaults: dict[str, str] = {}
    for api_name, api in apis.items():
        auth = api["Properties"].get("Auth") or {}
        default = auth.get("DefaultAuthorizer")
        assert default, f"{api_name}: no DefaultAuthorizer"
        authorizer = (auth.get("Authorizers") or {}).get(default) or {}
        jwt = authorizer.get("JwtConfiguration") or {}
        assert jwt.get("issuer"), f"{api_name}: {default} is not a JWT authorizer (no issuer)"
        assert jwt.get("audience"), f"{api_name}: {default} is not a JWT authorizer (no audience)"
        defaults[api_name] = default

    routes = 0
    for fn_name in resources_of(template, "AWS::Serverless::Function"):
        events = function_props(template, fn_name).get("Events") or {}
        for event_name, event in events.items():
            if event.get("Type") != "HttpApi":
                continue
            routes += 1
            where = f"{fn_name}.{event_name}"
            props = event.get("Properties") or {}
            api = ref_name(props.get("ApiId"))
            # Without ApiId, SAM creates an implicit API that has no authorizer at all.
            assert api in defaults, f"{where}: ApiId must !Ref one of {sorted(defaults)}"
            authorizer = (props.get("Auth") or {}).get("Authorizer")
            if authorizer == "NONE":
                continue  # Slack / HRIS webhooks verify their own signatures
            assert authorizer in (None, defaults[api]), f"{where}: uses {authorizer}, not {defaults[api]}"
    assert routes, "no HttpApi routes found"


BROAD_MANAGED_POLICIES = {"AdministratorAccess", "PowerUserAccess", "AmazonDynamoDBFullAccess"}


def test_function_policies_are_least_privilege(template: dict[str, Any]) -> None:
    for name in resources_of(template, "AWS::Serverless::Function"):
        for policy in as_list(function_props(template, name).get("Policies")):
            if isinstance(policy, str):
                assert policy.rsplit("/", 1)[-1] not in BROAD_MANAGED_POLICIES, f"{name}: {policy}"
                continue
            for statement in as_list(policy.get("Statement") if isinstance(policy, dict) else None):
                if statement.get("Effect") != "Allow":
                    continue
                actions = as_list(statement.get("Action"))
                assert "*" not in actions, f"{name}: Action '*'"
                assert not [a for a in actions if str(a).lower() == "dynamodb:*"], f"{name}: dynamodb:*"
                assert "NotAction" not in statement, f"{name}: Allow with NotAction"
                assert "*" not in as_list(statement.get("Resource")), f"{name}: Resource '*'"


def test_core_layer_builds_for_python313_arm64(template: dict[str, Any]) -> None:
    layers = resources_of(template, "AWS::Serverless::LayerVersion")
    assert "CoreLayer" in layers
    for name, layer in layers.items():
        metadata = layer.get("Metadata") or {}
        assert metadata.get("BuildMethod") == RUNTIME, name
        assert metadata.get("BuildArchitecture") == ARCH, name
        assert RUNTIME in layer["Properties"].get("CompatibleRuntimes", []), name
        assert ARCH in layer["Properties"].get("CompatibleArchitectures", []), name


# --------------------------------------------------------------------------- sign-in (issue 12 §1)

GROUPS = {"hr_admin", "finance", "manager", "admin", "voucher_desk"}


def test_the_user_pool_signs_people_in_and_integrations_with_scopes(template: dict[str, Any]) -> None:
    """A pool by default (JwtIssuer empty): admin-created accounts, a public console client (code + PKCE,
    no secret), one client-credentials client per integration holding exactly the scopes the API checks,
    the groups roles come from, and every Cognito resource only when no external issuer is chosen."""
    resources = template["Resources"]
    assert template["Parameters"]["JwtIssuer"]["Default"] == ""
    assert template["Conditions"]["UseCognito"] == {"Fn::Equals": [{"Ref": "JwtIssuer"}, ""]}
    cognito = {name: res for name, res in resources.items() if res["Type"].startswith("AWS::Cognito::")}
    assert len(cognito) == 12
    assert {name for name, res in cognito.items() if res.get("Condition") != "UseCognito"} == set()

    pool = resources["UserPool"]
    assert (pool["DeletionPolicy"], pool["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert pool["Properties"]["AdminCreateUserConfig"] == {"AllowAdminCreateUserOnly": True}
    assert pool["Properties"]["UsernameAttributes"] == ["email"]
    update = pool["Properties"]["UserAttributeUpdateSettings"]
    assert update["AttributesRequireVerificationBeforeUpdate"] == ["email"]

    console = resources["ConsoleClient"]["Properties"]
    assert console["GenerateSecret"] is False
    assert console["AllowedOAuthFlows"] == ["code"]
    assert set(console["AllowedOAuthScopes"]) == {"openid", "email", "profile"}
    assert console["CallbackURLs"] == {"Ref": "ConsoleCallbackUrls"}
    assert console["LogoutURLs"] == {"Ref": "ConsoleLogoutUrls"}
    assert resources["UserPoolDomain"]["Properties"]["UserPoolId"] == {"Ref": "UserPool"}

    server = resources["ApiResourceServer"]["Properties"]
    assert server["Identifier"] == "plaudit"
    scopes = {f"plaudit/{scope['ScopeName']}" for scope in server["Scopes"]}
    source = "\n".join(path.read_text() for path in (REPO / "layers" / "core" / "plaudit").rglob("*.py"))
    # the scopes the services check: HRIS_SCOPE = "hris", STAFF_SCOPE = "vouchers"... (one word each)
    checked = {f"plaudit/{name}" for name in re.findall(r'\b[A-Z]+_SCOPE = "([a-z]+)"', source)}
    assert scopes == checked == {"plaudit/hris", "plaudit/vouchers", "plaudit/budgets", "plaudit/liability"}
    integrations = {"HrisClient", "VouchersClient", "FinanceClient"}
    granted: set[str] = set()
    for name in integrations:
        client = resources[name]
        assert client["DependsOn"] == "ApiResourceServer", name
        assert client["Properties"]["GenerateSecret"] is True, name
        assert client["Properties"]["AllowedOAuthFlows"] == ["client_credentials"], name
        granted |= set(client["Properties"]["AllowedOAuthScopes"])
    assert granted == scopes

    groups = resources_of(template, "AWS::Cognito::UserPoolGroup").values()
    assert {group["Properties"]["GroupName"] for group in groups} == GROUPS
    assert template["Parameters"]["JwtRolesClaim"]["Default"] == "cognito:groups"

    jwt = resources["HttpApi"]["Properties"]["Auth"]["Authorizers"]["OidcAuthorizer"]["JwtConfiguration"]
    issuer_if, audience_if = jwt["issuer"]["Fn::If"], jwt["audience"]["Fn::If"]
    assert issuer_if[0] == audience_if[0] == "UseCognito"
    assert issuer_if[1] == {"Fn::Sub": "https://cognito-idp.${AWS::Region}.${AWS::URLSuffix}/${UserPool}"}
    assert issuer_if[2] == {"Ref": "JwtIssuer"}
    assert {ref_name(client) for client in audience_if[1]} == {"ConsoleClient", *integrations}
    assert audience_if[2] == {"Ref": "JwtAudience"}

    outputs = template["Outputs"]
    for name in ("UserPoolId", "ConsoleClientId", "HostedUiUrl", "HrisClientId", "VouchersClientId"):
        assert outputs[name]["Condition"] == "UseCognito", name
    assert outputs["JwtIssuerUrl"]["Value"]["Fn::If"][1] == issuer_if[1]
    assert "${UserPoolDomain}.auth." in outputs["HostedUiUrl"]["Value"]["Fn::Sub"]
