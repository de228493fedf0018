"""The official Python SDK (staxapp 1.4.1), unchanged, against `stax-emulator --tls`.

Runs with `python -m unittest` or pytest. Needs `staxapp` installed and the emulator binary:
`STAX_EMULATOR_BIN` names it (default: target/debug/stax-emulator under the workspace root).
The SDK reaches the emulator as it would reach Stax: `Config.hostname` is the emulator's
host:port, Cognito is found through `AWS_ENDPOINT_URL`, and the emulator's certificate is
trusted through `REQUESTS_CA_BUNDLE` and `AWS_CA_BUNDLE`.
"""

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

_process = None
_ready = None


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

    from staxapp.config import Config

    Config.hostname = _ready["endpoint"].split("://", 1)[1]
    Config.access_key = _ready["access_key"]
    Config.secret_key = _ready["secret_key"]


def tearDownModule():
    if _process is not None:
        _process.terminate()
        _process.wait(timeout=30)
        _process.stdout.close()


def client(service, access_key=None, secret_key=None):
    from staxapp.config import Config
    from staxapp.openapi import StaxClient

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
        from staxapp.exceptions import InvalidCredentialsException

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
        from staxapp.exceptions import InvalidCredentialsException

        with self.assertRaises(InvalidCredentialsException) as caught:
            client("accounts", _ready["access_key"], "x" * 32).ReadAccounts()
        self.assertIn("Secret Key", str(caught.exception))

    def test_body_breaking_the_document_is_refused_before_sending(self):
        from staxapp.exceptions import ValidationException

        accounts = client("accounts")
        with self.assertRaises(ValidationException):
            accounts.CreateAccount(Name=12345, AccountType="development")
        with self.assertRaises(ValidationException):
            accounts.CreateAccountType(Name="ok", Unexpected=True)

    def test_unknown_id_is_api_exception_404(self):
        from staxapp.exceptions import ApiException

        with self.assertRaises(ApiException) as caught:
            client("accounts").ReadAccounts(account_id=str(uuid.uuid4()))
        self.assertEqual(caught.exception.status_code, 404)
        with self.assertRaises(ApiException) as caught:
            client("tasks").ReadTask(task_id=str(uuid.uuid4()))
        self.assertEqual(caught.exception.status_code, 404)


if __name__ == "__main__":
    sys.exit(unittest.main())
