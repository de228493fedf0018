//! The networking tests' client: an emulator of the demo seed, the SDK signed in to it, and
//! Stax's reference document; calls whose answers and refusals are checked against the
//! reference for their status, tasks waited for, and the hubs, ranges and VPCs the tests
//! build on.

#![allow(dead_code)]

#[path = "../../../../testsupport/core_reference.rs"]
pub mod core_reference;

use std::time::Duration;

use core_reference::Reference;
use ipnet::Ipv4Net;
use serde_json::{Value, json};
use stax_emulator::{EmulatorOptions, RunningEmulator};
use staxapp::tasks::WaitOptions;
use staxapp::{Args, Error, StaxClient};

pub const REGION: &str = "ap-southeast-2";

/// A networking client of an emulator of the demo seed whose tasks take long enough for a
/// change under way to be seen, with the reference document when there is one.
pub struct Net {
    pub emu: RunningEmulator,
    pub client: StaxClient,
    pub reference: Option<Reference>,
}

/// An answer's status and body.
pub type Answer = (u16, Value);

impl Net {
    pub async fn start(cache: &str) -> Net {
        let emu = super::common::emulator(EmulatorOptions {
            task_delay: Duration::from_millis(600),
            ..EmulatorOptions::default()
        })
        .await;
        let client = StaxClient::new(super::common::config(&emu, cache)).unwrap();
        Net {
            emu,
            client,
            reference: Reference::load(super::common::shared_file),
        }
    }

    /// Calls a networking operation; the answer (or refusal) checked against the reference.
    pub async fn send(&self, operation: &str, args: Value) -> Answer {
        self.send_as(&self.client, "networking", operation, args)
            .await
    }

    pub async fn send_as(
        &self,
        client: &StaxClient,
        service: &str,
        op: &str,
        args: Value,
    ) -> Answer {
        let request = client
            .prepare(service, op, Args::from(args))
            .await
            .unwrap_or_else(|e| panic!("{op} cannot be sent: {e}"));
        let (status, body) = match client.send(&request).await {
            Ok(answer) => (answer.status, serde_json::from_slice(&answer.body).unwrap()),
            Err(Error::Api(e)) => (e.status, e.body.clone()),
            Err(e) => panic!("{op}: {e}"),
        };
        if let Some(reference) = &self.reference {
            let prepared = request.prepared();
            reference.check(prepared.method.as_str(), &prepared.path, status, &body);
        }
        (status, body)
    }

    /// A call that must succeed; its answer.
    pub async fn ok(&self, operation: &str, args: Value) -> Value {
        let (status, body) = self.send(operation, args).await;
        assert_eq!(status, 200, "{operation}: {body}");
        body
    }

    /// A call that must be refused with `status`; the refusal's words.
    pub async fn refused(&self, operation: &str, args: Value, status: u16) -> String {
        let (got, body) = self.send(operation, args).await;
        assert_eq!(got, status, "{operation}: {body}");
        body["Error"].as_str().unwrap_or_default().to_owned()
    }

    /// Waits for the task an answer names (in `Detail.Message.TaskId`) to succeed.
    pub async fn finish(&self, answer: &Value) -> Value {
        let task = self
            .client
            .wait_for_response(
                answer,
                WaitOptions::new().initial_interval(Duration::from_millis(50)),
            )
            .await
            .unwrap_or_else(|e| panic!("the task of {answer} failed: {e}"));
        assert_eq!(task["Status"], "SUCCEEDED", "{task}");
        task
    }

    /// A change by a task: sent, then waited for; its answer.
    pub async fn change(&self, operation: &str, args: Value) -> Value {
        let answer = self.ok(operation, args).await;
        self.finish(&answer).await;
        answer
    }

    /// The records of a read under `key`.
    pub async fn list(&self, operation: &str, args: Value, key: &str) -> Vec<Value> {
        let answer = self.ok(operation, args).await;
        answer[key].as_array().cloned().unwrap_or_default()
    }

    /// The one record a read by id finds.
    pub async fn one(&self, operation: &str, args: Value, key: &str) -> Value {
        let records = self.list(operation, args, key).await;
        assert_eq!(records.len(), 1, "{operation}: {records:?}");
        records[0].clone()
    }

    /// Reads a record (`read`: operation, arguments, key) while the task `answer` names may
    /// still run, and checks what it shows: when the task has not ended by the time it is read
    /// after the record, the record was read while it ran (tasks only move forward), and so
    /// must show `during` and name the task. The record as read.
    pub async fn while_running(
        &self,
        answer: &Value,
        (operation, args, key): (&str, Value, &str),
        during: &str,
    ) -> Value {
        let record = self.one(operation, args, key).await;
        let task_id = staxapp::tasks::task_id_of(answer).unwrap().to_owned();
        let task = self
            .client
            .call("tasks", "ReadTask", json!({"task_id": task_id}))
            .await
            .unwrap();
        if !["SUCCEEDED", "FAILED"].contains(&task["Status"].as_str().unwrap_or_default()) {
            assert_eq!(record["Status"], during, "{record}");
            assert_eq!(record["UserTaskId"], task_id.as_str(), "{record}");
        }
        record
    }

    /// [`Net::while_running`], then waits for the task to succeed. The record as read while
    /// the task ran.
    pub async fn during(&self, answer: &Value, read: (&str, Value, &str), during: &str) -> Value {
        let record = self.while_running(answer, read, during).await;
        self.finish(answer).await;
        record
    }

    /// A change by a task walked through: sent (`change`: operation, arguments), the record
    /// read while it runs ([`Net::during`]), and read again once it has ended. The answer and
    /// the record as it ends.
    pub async fn walk(
        &self,
        (operation, args): (&str, Value),
        read: (&str, Value, &str),
        during: &str,
    ) -> (Value, Value) {
        let answer = self.ok(operation, args).await;
        self.during(&answer, read.clone(), during).await;
        let (operation, args, key) = read;
        (answer, self.one(operation, args, key).await)
    }

    /// A deletion by a task walked through: `operation` with `id` as its `id_param`, the record
    /// `DELETE_IN_PROGRESS` while the task runs (read by `read` with the deleted statuses asked
    /// for, under `key`), then hidden from a plain read (404).
    pub async fn delete(
        &self,
        (operation, id_param, id): (&str, &str, &str),
        (read, key): (&str, &str),
    ) {
        let answer = self.ok(operation, json!({ id_param: id })).await;
        let deleted = json!({ id_param: id, "status": "DELETE_IN_PROGRESS,DELETED" });
        self.during(&answer, (read, deleted, key), "DELETE_IN_PROGRESS")
            .await;
        self.refused(read, json!({ id_param: id }), 404).await;
    }

    /// The id of an ACTIVE account of the organisation, and its AWS account id.
    pub async fn account(&self) -> (String, String) {
        let accounts = self
            .client
            .call("accounts", "ReadAccounts", json!({"filter": "ACTIVE"}))
            .await
            .unwrap();
        let account = &accounts["Accounts"][0];
        (
            account["Id"].as_str().unwrap().to_owned(),
            account["AwsAccountId"].as_str().unwrap().to_owned(),
        )
    }

    /// A hub of `cidr`, made and waited for; its id.
    pub async fn hub(&self, name: &str, cidr: &str) -> String {
        let (account, _) = self.account().await;
        let answer = self
            .change(
                "CreateHub",
                json!({
                    "Name": name, "AccountId": account, "Region": REGION, "Cidr": cidr,
                    "CreateNatGateway": false, "CreateInternetGateway": true,
                }),
            )
            .await;
        answer["Detail"]["NetworkingHub"]["Id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// The id of the hub's default range.
    pub async fn default_range(&self, hub: &str) -> String {
        let ranges = self
            .list("ReadCidrRanges", json!({"hub_id": hub}), "Ranges")
            .await;
        let default = ranges
            .iter()
            .find(|r| r["DefaultCidrRange"] == true)
            .unwrap();
        default["Id"].as_str().unwrap().to_owned()
    }

    /// A range of the hub, made at once; its id.
    pub async fn range(&self, hub: &str, name: &str, cidr: &str) -> String {
        let answer = self
            .ok(
                "CreateCidrRange",
                json!({"hub_id": hub, "Name": name, "Cidr": cidr}),
            )
            .await;
        answer["Ranges"][0]["Id"].as_str().unwrap().to_owned()
    }

    /// The body of a `CreateVpc` of `size` in the range `range` of `hub`.
    pub async fn vpc_args(&self, hub: &str, range: &str, name: &str, size: &str) -> Value {
        let (account, _) = self.account().await;
        json!({
            "hub_id": hub, "Name": name, "CidrRangeId": range, "AccountId": account,
            "Region": REGION, "Size": size, "Type": "FLAT", "CreateInternetGateway": false,
        })
    }

    /// A VPC of `size` in the range `range` of `hub` (not waited for); its id and block.
    pub async fn vpc(&self, hub: &str, range: &str, name: &str, size: &str) -> (String, Ipv4Net) {
        let args = self.vpc_args(hub, range, name, size).await;
        let answer = self.ok("CreateVpc", args).await;
        let id = answer["Detail"]["VPC"]["Id"].as_str().unwrap().to_owned();
        let vpc = self.one("ReadVpcs", json!({"vpc_id": id}), "Vpcs").await;
        (id, vpc["Cidr"].as_str().unwrap().parse().unwrap())
    }

    /// Asserts that every operation of the reference named in `names` was answered and
    /// checked (when there is a reference).
    pub fn covered(&self, names: &[&str]) {
        let Some(reference) = &self.reference else {
            return;
        };
        let checked: Vec<(String, String)> = reference
            .checked()
            .into_iter()
            .filter(|(_, _, status)| *status == 200)
            .map(|(method, template, _)| (method, template))
            .collect();
        let expected = reference.operations("networking.", names);
        assert!(expected.len() >= names.len(), "{names:?}: {expected:?}");
        let missing: Vec<_> = expected
            .into_iter()
            .filter(|op| !checked.contains(op))
            .collect();
        assert!(missing.is_empty(), "never answered: {missing:?}");
    }
}

pub fn ids(records: &[Value]) -> Vec<&str> {
    records.iter().map(|r| r["Id"].as_str().unwrap()).collect()
}
