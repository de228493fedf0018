"""The official Python SDK (staxapp 1.4.1), unchanged, and staxapp_rs (the same API on our Rust
core, crates/staxapp-py) against `stax-emulator --tls`: the same test functions run once per
package (`StaxappAgainstEmulator` for staxapp, `StaxappRsAgainstEmulator` for staxapp_rs).

Runs with `python -m unittest` or pytest. Needs the packages named by `STAX_INTEROP_SDKS`
(comma-separated; default: both) and the emulator binary: `STAX_EMULATOR_BIN` names it
(default: target/debug/stax-emulator under the workspace root).
The SDK reaches the emulator as it would reach Stax: `Config.hostname` is the emulator's
host:port, Cognito is found through `AWS_ENDPOINT_URL`, and the emulator's certificate is
trusted through `REQUESTS_CA_BUNDLE` and `AWS_CA_BUNDLE`.
"""

import importlib
import json
import os
import subprocess
import sys
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
WORKSPACE = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))
BINARY = os.environ.get(
    "STAX_EMULATOR_BIN", os.path.join(WORKSPACE, "target", "debug", "stax-emulator")
)

SDKS = [name for name in os.environ.get("STAX_INTEROP_SDKS", "staxapp,staxapp_rs").split(",") if name]

_process = None
_ready = None
# The package the running test drives (set by each test class's setUp).
SDK = "staxapp"


def sdk(module):
    """`<package under test>.<module>`, e.g. sdk("config").Config."""
    return importlib.import_module(f"{SDK}.{module}")


def setUpModule():
    global _process, _ready
    _process = subprocess.Popen(
        [BINARY, "--tls", "--task-delay-ms", "300"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    _ready = json.loads(_process.stdout.readline())
    os.environ["REQUESTS_CA_BUNDLE"] = _ready["ca_cert"]
    os.environ["AWS_CA_BUNDLE"] = _ready["ca_cert"]
    os.environ["AWS_ENDPOINT_URL"] = _ready["endpoint"]
    # boto3 signs nothing here (staxapp asks for UNSIGNED), but wants a region.
    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-2")

    for name in SDKS:
        Config = importlib.import_module(f"{name}.config").Config
        Config.hostname = _ready["endpoint"].split("://", 1)[1]
        Config.access_key = _ready["access_key"]
        Config.secret_key = _ready["secret_key"]


def tearDownModule():
    if _process is not None:
        _process.terminate()
        _process.wait(timeout=30)
        _process.stdout.close()


def client(service, access_key=None, secret_key=None):
    Config = sdk("config").Config
    StaxClient = sdk("openapi").StaxClient

    if access_key is None:
        return StaxClient(service)
    config = Config(hostname=Config.hostname, access_key=access_key, secret_key=secret_key)
    return StaxClient(service, config=config)


def wait_task(task_id):
    tasks = client("tasks")
    for _ in range(1000):
        task = tasks.ReadTask(task_id=task_id)
        if task["Status"] in ("SUCCEEDED", "FAILED"):
            return task
        time.sleep(0.05)
    raise AssertionError(f"task {task_id} never ended")


class StaxappAgainstEmulator(unittest.TestCase):
    package = "staxapp"

    def setUp(self):
        global SDK
        if self.package not in SDKS:
            self.skipTest(f"{self.package} not in STAX_INTEROP_SDKS")
        SDK = self.package

    def test_live_document_passes_strict_openapi_30_validation(self):
        import requests
        from openapi_spec_validator import OpenAPIV30SpecValidator

        document = requests.get(f"{_ready['endpoint']}/20190206/public/oas3-document").json()
        OpenAPIV30SpecValidator(document).validate()
        ids = {
            op["x-stax-sdk-operation-id"]
            for item in document["paths"].values()
            for op in item.values()
        }
        self.assertIn("accounts.ReadAccounts", ids)
        self.assertIn("tasks.ReadTask", ids)

    def test_read_accounts_with_and_without_filters(self):
        accounts = client("accounts")
        everything = accounts.ReadAccounts()["Accounts"]
        self.assertGreaterEqual(len(everything), 8)
        active = accounts.ReadAccounts(filter="ACTIVE")["Accounts"]
        self.assertTrue(active)
        self.assertTrue(all(a["Status"] == "ACTIVE" for a in active))
        self.assertLess(len(active), len(everything))
        # Spaces, plus signs and percents in query values survive both signing forms.
        page = accounts.ReadAccounts(name_filter="a b+c%", offset=0, limit=2)
        self.assertEqual(page["Accounts"], [])
        self.assertEqual(page["Paging"]["Total"], 0)
        page = accounts.ReadAccounts(offset=0, limit=3, include_tags=False)
        self.assertEqual(len(page["Accounts"]), 3)
        self.assertEqual(page["Paging"]["NextOffset"], 3)
        self.assertTrue(all("Tags" not in a for a in page["Accounts"]))
        one = accounts.ReadAccounts(account_id=everything[0]["Id"])
        self.assertEqual(one["Accounts"][0]["Id"], everything[0]["Id"])

    def test_create_account_type_then_account_then_update(self):
        accounts = client("accounts")
        name = f"interop-{uuid.uuid4().hex[:8]}"
        created = accounts.CreateAccountType(Name=name)
        type_id = created["Detail"]["AccountType"]["Id"]
        types = accounts.ReadAccountTypes()["AccountTypes"]
        self.assertIn(type_id, [t["Id"] for t in types])

        answer = accounts.CreateAccount(Name=f"{name}-acct", AccountType=name, Tags={"Team": "interop"})
        task = wait_task(answer["TaskId"])
        self.assertEqual(task["Status"], "SUCCEEDED")
        found = accounts.ReadAccounts(account_names=f"{name}-acct")["Accounts"]
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0]["Status"], "ACTIVE")
        self.assertEqual(found[0]["AccountTypeId"], type_id)

        update = accounts.UpdateAccount(account_id=found[0]["Id"], Name=f"{name}-renamed")
        self.assertEqual(wait_task(update["TaskId"])["Status"], "SUCCEEDED")
        renamed = accounts.ReadAccounts(account_id=found[0]["Id"])["Accounts"][0]
        self.assertEqual(renamed["Name"], f"{name}-renamed")

    def test_api_tokens_sign_in_and_stop_after_delete(self):
        InvalidCredentialsException = sdk("exceptions").InvalidCredentialsException

        teams = client("teams")
        made = teams.CreateApiToken(Name=f"interop-{uuid.uuid4().hex[:8]}", Role="api_readonly")
        token = made["ApiTokens"][0]
        second = client("accounts", token["AccessKey"], token["SecretKey"])
        self.assertTrue(second.ReadAccounts()["Accounts"])

        teams.DeleteApiToken(access_key=token["AccessKey"])
        third = client("accounts", token["AccessKey"], token["SecretKey"])
        with self.assertRaises(InvalidCredentialsException):
            third.ReadAccounts()

    def test_wrong_secret_is_invalid_credentials(self):
        InvalidCredentialsException = sdk("exceptions").InvalidCredentialsException

        with self.assertRaises(InvalidCredentialsException) as caught:
            client("accounts", _ready["access_key"], "x" * 32).ReadAccounts()
        self.assertIn("Secret Key", str(caught.exception))

    def test_body_breaking_the_document_is_refused_before_sending(self):
        ValidationException = sdk("exceptions").ValidationException

        accounts = client("accounts")
        with self.assertRaises(ValidationException):
            accounts.CreateAccount(Name=12345, AccountType="development")
        with self.assertRaises(ValidationException):
            accounts.CreateAccountType(Name="ok", Unexpected=True)

    def test_bad_input_raises_the_sdks_own_exceptions(self):
        exceptions = sdk("exceptions")
        with self.assertRaises(exceptions.ValidationException):
            client("no-such-class")
        accounts = client("accounts")
        with self.assertRaises(exceptions.ValidationException):
            accounts.NoSuchOperation()
        with self.assertRaises(exceptions.ValidationException):
            accounts.UpdateAccount(Name="no account_id")
        for body in ({"Name": object()}, {"Name": uuid.uuid4()}, {"Name": b"bytes"}):
            with self.assertRaises(exceptions.ValidationException):
                accounts.CreateAccountType(**body)
        with self.assertRaises(exceptions.ValidationException):
            accounts.CreateAccount(Name="typed", AccountType="development", Tags="not an object")
        # Values the document does not check client-side reach the server, which refuses them.
        with self.assertRaises(exceptions.ApiException) as caught:
            accounts.ReadAccounts(offset=0, limit="many")
        self.assertEqual(caught.exception.status_code, 400)
        for account_id in (None, ["a", "b"], {"a": 1}, 42):
            with self.assertRaises(exceptions.ApiException):
                accounts.ReadAccounts(account_id=account_id)

    def test_unknown_id_is_api_exception_404(self):
        ApiException = sdk("exceptions").ApiException

        with self.assertRaises(ApiException) as caught:
            client("accounts").ReadAccounts(account_id=str(uuid.uuid4()))
        self.assertEqual(caught.exception.status_code, 404)
        with self.assertRaises(ApiException) as caught:
            client("tasks").ReadTask(task_id=str(uuid.uuid4()))
        self.assertEqual(caught.exception.status_code, 404)

    def test_create_ou_then_read_task_until_succeeded(self):
        organisations = client("organisations")
        units = organisations.ReadOrganisationalUnits()["OrganisationalUnits"]
        root = next(u for u in units if u["OrganisationalUnitType"] == "ROOT")
        name = f"interop-{uuid.uuid4().hex[:8]}"
        answer = organisations.CreateOrganisationalUnit(
            Name=name, ParentOrganisationalUnitId=root["Id"]
        )
        detail = answer["Detail"]
        self.assertNotIn("TaskId", answer)
        unit_id = detail["OrganisationalUnit"]["OrganisationalUnitId"]
        # ReadTask until the task ends: STARTED, maybe RUNNING, then SUCCEEDED.
        tasks = client("tasks")
        seen = []
        for _ in range(1000):
            status = tasks.ReadTask(task_id=detail["TaskId"])["Status"]
            if not seen or seen[-1] != status:
                seen.append(status)
            if status in ("SUCCEEDED", "FAILED"):
                break
            time.sleep(0.02)
        self.assertEqual(seen[-1], "SUCCEEDED", seen)
        self.assertTrue(set(seen) <= {"STARTED", "RUNNING", "SUCCEEDED"}, seen)
        unit = organisations.ReadOrganisationalUnit(organisational_unit_id=unit_id)
        unit = unit["OrganisationalUnits"][0]
        self.assertEqual(unit["Name"], name)
        self.assertEqual(unit["Status"], "ACTIVE")
        self.assertEqual(unit["ParentOrganisationalUnitId"], root["Id"])

    def test_create_group_and_update_its_members(self):
        teams = client("teams")
        name = f"interop-{uuid.uuid4().hex[:8]}"
        created = teams.CreateGroup(Name=name)
        group_id = created["GroupId"]
        self.assertEqual(wait_task(created["Detail"]["TaskId"])["Status"], "SUCCEEDED")
        users = [u["Id"] for u in teams.ReadUsers()["Users"] if u["Status"] == "ACTIVE"]
        self.assertGreaterEqual(len(users), 2)

        added = teams.UpdateGroupMembers(
            AddMembers=[{"UserId": u, "GroupId": group_id} for u in users[:2]]
        )
        task = wait_task(added["Detail"]["TaskId"])
        self.assertEqual(task["Status"], "SUCCEEDED")
        self.assertEqual(sorted(task["Users"]), sorted(users[:2]))
        group = teams.ReadGroups(group_id=group_id)["Groups"][0]
        self.assertEqual(group["Name"], name)
        self.assertEqual(group["Status"], "ACTIVE")
        self.assertEqual(sorted(group["Users"]), sorted(users[:2]))

        removed = teams.UpdateGroupMembers(
            RemoveMembers=[{"UserId": users[0], "GroupId": group_id}]
        )
        self.assertEqual(wait_task(removed["Detail"]["TaskId"])["Status"], "SUCCEEDED")
        group = teams.ReadGroups(group_id=group_id)["Groups"][0]
        self.assertEqual(group["Users"], [users[1]])

    def test_create_policy_and_attach_it(self):
        organisations = client("organisations")
        policies = client("policies")
        name = f"interop-{uuid.uuid4().hex[:8]}"
        document = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}],
        }
        created = organisations.CreatePolicy(
            Name=name, Description="made by the Python SDK", Policy=json.dumps(document)
        )
        policy_id = created["Detail"]["Policy"]["PolicyId"]
        self.assertEqual(wait_task(created["Detail"]["TaskId"])["Status"], "SUCCEEDED")
        policy = organisations.ReadPolicies(policy_id=policy_id)["Policies"][0]
        self.assertEqual(policy["Status"], "ACTIVE")
        self.assertEqual(policy["Content"], document)

        units = organisations.ReadOrganisationalUnits()["OrganisationalUnits"]
        sandbox = next(u["Id"] for u in units if u["Name"] == "Sandbox")
        account = client("accounts").ReadAccounts(account_names="sandbox-alice")["Accounts"][0]
        for target in ({"OrganisationalUnitId": sandbox}, {"AccountId": account["Id"]}):
            attached = policies.AttachPolicy(policy_id=policy_id, **target)
            self.assertIn("PolicyAttachmentId", attached["Detail"]["PolicyAttachment"])
            task = wait_task(attached["Detail"]["TaskId"])
            self.assertEqual(task["Status"], "SUCCEEDED", target)

        attachments = policies.ReadPolicyAttachments(policy_id=policy_id)["PolicyAttachments"]
        self.assertEqual(
            sorted(a["PolicyAttachmentType"] for a in attachments),
            ["ACCOUNT", "ORGANISATIONAL_UNIT"],
        )
        self.assertTrue(all(a["Status"] == "ACTIVE" for a in attachments))
        on_account = client("accounts").ReadAccountPolicyAttachments(account_id=account["Id"])
        self.assertIn(policy_id, [a["PolicyId"] for a in on_account["PolicyAttachments"]])
        on_unit = organisations.ReadOrganisationalUnitPolicyAttachments(
            organisational_unit_id=sandbox
        )
        self.assertIn(policy_id, [a["PolicyId"] for a in on_unit["PolicyAttachments"]])

    def test_read_workloads_of_the_demo(self):
        workloads = client("workloads")
        everything = workloads.ReadWorkloads()["Workloads"]
        self.assertGreaterEqual(len(everything), 3)
        accounts = {a["Id"]: a for a in client("accounts").ReadAccounts()["Accounts"]}
        for workload in everything:
            self.assertEqual(accounts[workload["AccountId"]]["Status"], "ACTIVE")
            self.assertIn("WorkloadVersion", workload["CatalogueVersion"])
        on_prod = workloads.ReadWorkloads(account_names="bakery-prod")["Workloads"]
        self.assertEqual(
            sorted(w["Name"] for w in on_prod), ["bakery-network", "bakery-site"]
        )
        one = workloads.ReadWorkloads(workload_id=everything[0]["Id"], include_tags=True)
        self.assertEqual(one["Workloads"][0]["Id"], everything[0]["Id"])
        self.assertIn("Tags", one["Workloads"][0])
        page = workloads.ReadWorkloads(offset=0, limit=2)
        self.assertEqual(len(page["Workloads"]), 2)
        self.assertEqual(page["Paging"]["Total"], len(everything))

    def test_read_catalogue_items_versions_and_manifest(self):
        import requests

        workloads = client("workloads")
        catalogue = workloads.ReadCatalogueItems()["WorkloadCatalogues"][0]
        items = {i["Name"]: i for i in catalogue["WorkloadCatalogueItems"]}
        self.assertIn("vpc-baseline", items)
        site = items["static-website"]
        self.assertEqual(
            sorted(v["WorkloadVersion"] for v in site["Versions"]), ["1.2.0", "1.3.0"]
        )
        one = workloads.ReadCatalogueItems(catalogue_id=site["Id"], include_versions=False)
        only = one["WorkloadCatalogues"][0]["WorkloadCatalogueItems"]
        self.assertEqual([i["Id"] for i in only], [site["Id"]])
        self.assertNotIn("Versions", only[0])
        current = site["CatalogueVersionId"]
        version = workloads.ReadCatalogueVersion(catalogue_id=site["Id"], version_id=current)
        self.assertEqual(version["Versions"][0]["WorkloadVersion"], "1.3.0")
        url = workloads.ReadCatalogueManifest(version_id=current)["url"]
        manifest = requests.get(url, timeout=30)
        manifest.raise_for_status()
        self.assertIn("waf.yaml", manifest.text)

    def test_read_and_change_service_configurations(self):
        services = client("services")
        everything = services.ReadConfigurations()["ServiceConfigurations"]
        self.assertEqual(
            sorted(c["Service"] for c in everything),
            ["ACCOUNT", "GUARDDUTY", "GUARDRAILS", "ORGANIZATION", "REGIONS", "SECURITYHUB", "SSO"],
        )
        duty = services.ReadGuardDutyConfiguration()
        self.assertEqual(duty["Service"], "GUARDDUTY")
        self.assertTrue(duty["Enabled"], "the demo has GuardDuty on")
        regions = services.ReadRegionsConfiguration()["Configuration"]
        self.assertIn("ap-southeast-2", regions["Enabled"])
        self.assertEqual(len(regions["Enabled"]) + len(regions["Disabled"]), 28)

        # A change is a task; the configuration shows it once the task has ended.
        guardrails = services.ReadGuardrailsConfiguration()["Configuration"]
        scp = dict(guardrails["SCP"])
        scp["MACIE_BLOCK_SERVICE"] = not scp.get("MACIE_BLOCK_SERVICE", False)
        answer = services.ConfigureGuardrails(Configuration={"SCP": scp, "RCP": {}})
        self.assertEqual(answer["Detail"]["Operation"], "services:ConfigureGuardrails")
        self.assertEqual(wait_task(answer["TaskId"])["Status"], "SUCCEEDED")
        after = services.ReadGuardrailsConfiguration()
        self.assertEqual(after["Status"], "ACTIVE")
        self.assertEqual(after["Configuration"]["SCP"]["MACIE_BLOCK_SERVICE"], scp["MACIE_BLOCK_SERVICE"])
        insight = client("insights").ReadInsights(source_id=answer["TaskId"])["Insights"][0]
        self.assertEqual(insight["Action"], "services:ConfigureGuardrails")
        self.assertEqual(insight["TargetId"], after["Id"])

        # Once on, GuardDuty stays on: the SDK's own exception carries the 400.
        with self.assertRaises(sdk("exceptions").ApiException) as caught:
            services.ConfigureGuardDuty(Enabled=False, Configuration=duty["Configuration"])
        self.assertEqual(caught.exception.status_code, 400)

    def test_read_accounts_page_by_page(self):
        accounts = client("accounts")
        everything = [a["Id"] for a in accounts.ReadAccounts()["Accounts"]]
        pages, offset, walked = 0, 0, []
        while offset is not None and pages < 100:
            page = accounts.ReadAccounts(offset=offset, limit=4)
            paging = page["Paging"]
            self.assertEqual(paging["Total"], len(everything))
            self.assertEqual(paging["PrevOffset"], None if offset == 0 else max(offset - 4, 0))
            self.assertLessEqual(len(page["Accounts"]), 4)
            walked.extend(a["Id"] for a in page["Accounts"])
            offset = paging["NextOffset"]
            pages += 1
        self.assertEqual(walked, everything)
        self.assertEqual(pages, -(-len(everything) // 4))
        past = accounts.ReadAccounts(offset=len(everything), limit=4)
        self.assertEqual(past["Accounts"], [])
        self.assertIsNone(past["Paging"]["NextOffset"])

    def test_networking_hub_and_vpc_made_read_back_and_deleted(self):
        networking = client("networking")
        ApiException = sdk("exceptions").ApiException
        account = client("accounts").ReadAccounts(filter="ACTIVE")["Accounts"][0]["Id"]
        made = networking.CreateHub(
            Name=f"interop-{uuid.uuid4().hex[:8]}",
            AccountId=account,
            Region="ap-southeast-2",
            Cidr="10.200.0.0/16",
            CreateNatGateway=False,
            CreateInternetGateway=True,
        )
        # Networking answers name their task in Detail.Message.
        self.assertEqual(made["Detail"]["Operation"], "networking:CreateHub")
        hub = made["Detail"]["NetworkingHub"]["Id"]
        self.assertEqual(wait_task(made["Detail"]["Message"]["TaskId"])["Status"], "SUCCEEDED")
        read = networking.ReadHubs(hub_id=hub)["Hubs"]
        self.assertEqual([(h["Id"], h["Status"]) for h in read], [(hub, "ACTIVE")])
        self.assertIn(hub, [h["Id"] for h in networking.ReadHubs()["Hubs"]])
        ranges = networking.ReadCidrRanges(hub_id=hub)["Ranges"]
        self.assertEqual([r["Cidr"] for r in ranges], ["10.200.0.0/16"])

        made = networking.CreateVpc(
            hub_id=hub,
            Name="interop-vpc",
            CidrRangeId=ranges[0]["Id"],
            AccountId=account,
            Region="ap-southeast-2",
            Size="SMALL",
            Type="ISOLATED",
            CreateInternetGateway=False,
        )
        vpc = made["Detail"]["VPC"]["Id"]
        self.assertEqual(wait_task(made["Detail"]["Message"]["TaskId"])["Status"], "SUCCEEDED")
        read = networking.ReadVpcs(vpc_id=vpc)["Vpcs"][0]
        self.assertEqual((read["Status"], read["Type"]), ("ACTIVE", "ISOLATED"))
        # The transit VPC holds the hub's first /22; the next one is this VPC's.
        self.assertEqual(read["Cidr"], "10.200.4.0/22")
        of_hub = networking.ReadVpcs(hub_id=hub)["Vpcs"]
        self.assertEqual(sorted(v["Type"] for v in of_hub), ["ISOLATED", "TRANSIT"])

        with self.assertRaises(ApiException) as caught:
            networking.DeleteHub(hub_id=hub)
        self.assertEqual(caught.exception.status_code, 400)
        gone = networking.DeleteVpc(vpc_id=vpc)
        self.assertEqual(wait_task(gone["Detail"]["Message"]["TaskId"])["Status"], "SUCCEEDED")
        deleted = networking.ReadVpcs(vpc_id=vpc, status="DELETED")["Vpcs"]
        self.assertEqual(deleted[0]["Status"], "DELETED")
        gone = networking.DeleteHub(hub_id=hub)
        self.assertEqual(wait_task(gone["Detail"]["Message"]["TaskId"])["Status"], "SUCCEEDED")
        with self.assertRaises(ApiException) as caught:
            networking.ReadHubs(hub_id=hub)
        self.assertEqual(caught.exception.status_code, 404)


class StaxappRsAgainstEmulator(StaxappAgainstEmulator):
    """Every test above, against staxapp_rs."""

    package = "staxapp_rs"


if __name__ == "__main__":
    sys.exit(unittest.main())
