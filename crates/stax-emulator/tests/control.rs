//! The control routes under `/_emulator/`, over HTTP against running emulators: reset, the
//! state out and in (`--state` too), manual transitions, forced outcomes, faults at run time,
//! and their refusals.

mod common;

use std::time::Duration;

use common::{
    Client, Creds, Process, create_account, create_account_type, create_token, emulator, get, send,
    setup, task_of,
};
use serde_json::{Value, json};

/// Every signed list operation the emulator serves, answered to `creds`: path -> body.
async fn every_list(client: &Client, creds: &Creds) -> Vec<(String, Value)> {
    let mut answers = Vec::new();
    for path in client.list_paths().await {
        let (status, body) = client.call(creds, "GET", &path, None).await;
        // ListMyRoles is for people: an API token gets its documented 403.
        assert!(
            status == 200 || status == 403,
            "GET {path}: {status} {body}"
        );
        // Links to the emulator itself (manifest URLs) name its endpoint.
        let text = body.to_string().replace(&client.endpoint, "<endpoint>");
        answers.push((path, serde_json::from_str(&text).unwrap()));
    }
    assert!(answers.len() > 15, "few list operations: {answers:?}");
    answers
}

/// Fails naming the first list operation whose answers differ.
fn assert_same_lists(got: &[(String, Value)], wanted: &[(String, Value)]) {
    let paths =
        |lists: &[(String, Value)]| lists.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(paths(got), paths(wanted));
    for ((path, got), (_, wanted)) in got.iter().zip(wanted) {
        if got != wanted {
            let (got, wanted) = (got.to_string(), wanted.to_string());
            let at = got
                .bytes()
                .zip(wanted.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            let near =
                |text: &str| text[at.saturating_sub(150)..(at + 150).min(text.len())].to_owned();
            panic!(
                "GET {path} answers otherwise:\n got …{}…\nwanted …{}…",
                near(&got),
                near(&wanted)
            );
        }
    }
}

async fn task(client: &Client, creds: &Creds, id: &str) -> Value {
    get(client, creds, &format!("/20190206/task/{id}")).await
}

#[tokio::test]
async fn reset_goes_back_to_the_seed_after_changes() {
    let (emu, client, creds) = setup(0).await;
    let before = every_list(&client, &creds).await;
    let (_, state_before) = client.admin("GET", "state", None).await;

    // Changes of every sort: records made and removed, a token, an organisation, controls.
    create_account_type(&client, &creds, "scratch").await;
    let answer = create_account(&client, &creds, "scratch-1", "development").await;
    client.wait_task(&creds, &task_of(&answer)).await;
    let groups = get(&client, &creds, "/20190206/groups").await;
    let group = groups["Groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["Name"] == "Administrators")
        .map(|g| g["Id"].as_str().unwrap().to_owned());
    if let Some(group) = group {
        let answer = send(
            &client,
            &creds,
            "DELETE",
            &format!("/20190206/groups/{group}"),
            None,
        )
        .await;
        client.wait_task(&creds, &task_of(&answer)).await;
    }
    let (later_key, later_secret) = create_token(&client, &creds, "later", "api_readonly").await;
    assert_ne!(every_list(&client, &creds).await, before);
    let (status, org) = client
        .admin("POST", "organisations", Some(json!({"seed": "empty"})))
        .await;
    assert_eq!(status, 200, "{org}");
    let (status, _) = client
        .admin("PUT", "transitions", Some(json!({"mode": "manual"})))
        .await;
    assert_eq!(status, 200);
    let (status, _) = client
        .admin(
            "PUT",
            "faults",
            Some(json!({"rules": [{"operation": "accounts.ReadAccounts", "fault": "status=500", "times": 9}]})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = client
        .admin(
            "POST",
            "outcomes",
            Some(json!({"operation": "accounts.CreateAccount", "outcome": "FAILED"})),
        )
        .await;
    assert_eq!(status, 200);
    // A lockout of the ready token's Cognito user.
    for _ in 0..5 {
        assert!(client.sign_in(emu.access_key(), "wrong").await.is_err());
    }

    let (status, answer) = client.admin("POST", "reset", None).await;
    assert_eq!((status, answer), (200, json!({"reset": true})));

    // The credentials issued before keep working, and every list reads as before.
    let after = every_list(&client, &creds).await;
    assert_same_lists(&after, &before);
    let (_, state_after) = client.admin("GET", "state", None).await;
    assert_eq!(state_after, state_before);
    // The ready token signs in again (its lockout is gone); what came later does not.
    client.login(emu.access_key(), emu.secret_key()).await;
    let err = client.sign_in(&later_key, &later_secret).await.unwrap_err();
    assert_eq!(err.0, "UserNotFoundException");
    let err = client
        .sign_in(
            org["access_key"].as_str().unwrap(),
            org["secret_key"].as_str().unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.0, "UserNotFoundException");
    // Stats, faults, transitions and outcome rules are as at start.
    let (_, transitions) = client.admin("GET", "transitions", None).await;
    assert_eq!(transitions, json!({"mode": "auto"}));
    let (_, faults) = client.admin("GET", "faults", None).await;
    assert_eq!(faults["rules"], json!([]));
    assert_eq!(faults["spec"], Value::Null);
    let (_, outcomes) = client.admin("GET", "outcomes", None).await;
    assert_eq!(outcomes, json!([]));
    let stats = emu.stats();
    assert_eq!(stats["operations"]["accounts.ReadAccounts"], 1, "{stats}");
    assert_eq!(stats["cognito"]["InitiateAuth"], 3);
    // Reset again at once: the same start.
    let (status, _) = client.admin("POST", "reset", None).await;
    assert_eq!(status, 200);
    assert_same_lists(&every_list(&client, &creds).await, &before);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_state_loaded_into_an_empty_emulator_answers_every_list_alike() {
    let (first, client, creds) = setup(0).await;
    // Beyond the seed: a new account type and account, a task, a second organisation.
    create_account_type(&client, &creds, "moved").await;
    let answer = create_account(&client, &creds, "moved-1", "moved").await;
    client.wait_task(&creds, &task_of(&answer)).await;
    let (_, other_org) = client
        .admin("POST", "organisations", Some(json!({"seed": "demo"})))
        .await;
    let lists = every_list(&client, &creds).await;
    let (status, state) = client.admin("GET", "state", None).await;
    assert_eq!(status, 200);
    assert_eq!(state["format"], "stax-emulator-state");
    assert_eq!(state["version"], 1);
    assert_eq!(state["organisations"].as_array().unwrap().len(), 2);
    assert_eq!(state["ready"]["access_key"], first.access_key());
    assert!(
        !state.to_string().contains("ASIA"),
        "no temporary credentials in the state"
    );

    // A second emulator, started empty, takes it over HTTP.
    let second = emulator(|o| o.seed = stax_emulator::Seed::Empty).await;
    let other = Client::new(second.endpoint()).await;
    let (status, loaded) = other.admin("PUT", "state", Some(state.clone())).await;
    assert_eq!(status, 200, "{loaded}");
    assert_eq!(loaded["ready"]["access_key"], first.access_key());
    // Round trip: the second writes out what it took in (before anyone signs in there, which
    // gives a Cognito user an identity).
    let (_, again) = other.admin("GET", "state", None).await;
    assert_eq!(again, state);
    // The pools are the state's now (a client reads them anew); its own ready token is gone
    // with its old state, and the first one's signs in.
    let other = Client::new(second.endpoint()).await;
    assert_eq!(other.config["ApiAuth"], client.config["ApiAuth"]);
    let err = other
        .sign_in(second.access_key(), second.secret_key())
        .await
        .unwrap_err();
    assert_eq!(err.0, "UserNotFoundException");
    let theirs = other.login(first.access_key(), first.secret_key()).await;
    assert_same_lists(&every_list(&other, &theirs).await, &lists);
    // The second organisation's token too.
    let org_creds = other
        .login(
            other_org["access_key"].as_str().unwrap(),
            other_org["secret_key"].as_str().unwrap(),
        )
        .await;
    assert_eq!(
        get(&other, &org_creds, "/20190206/organisations/current").await["Organisations"][0]["Id"],
        other_org["organisation_id"]
    );

    // `--state FILE` at start, in a process of its own.
    let dir = common::temp_db("state-file");
    let file = dir.with_file_name("state.json");
    std::fs::write(&file, serde_json::to_vec(&state).unwrap()).unwrap();
    let mut process = Process::spawn(&["--seed", "empty", "--state", file.to_str().unwrap()]);
    assert_eq!(process.ready("access_key"), first.access_key());
    assert_eq!(process.ready("secret_key"), first.secret_key());
    let third = Client::new(process.ready("endpoint")).await;
    let (_, from_file) = third.admin("GET", "state", None).await;
    assert_eq!(from_file, state);
    let creds3 = third.login(first.access_key(), first.secret_key()).await;
    assert_same_lists(&every_list(&third, &creds3).await, &lists);
    // A reset of that process goes back to the file's state.
    create_account_type(&third, &creds3, "later").await;
    third.admin("POST", "reset", None).await;
    assert_same_lists(&every_list(&third, &creds3).await, &lists);
    assert!(process.terminate().success());
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
    second.shutdown().await;
    first.shutdown().await;
}

#[tokio::test]
async fn states_that_cannot_be_loaded_are_refused_and_change_nothing() {
    let (emu, client, creds) = setup(0).await;
    let (_, state) = client.admin("GET", "state", None).await;
    let cases = [
        (json!({"hello": 1}), "format"),
        (
            json!({"format": "stax-emulator-state", "version": 99}),
            "version 99",
        ),
        (
            {
                let mut s = state.clone();
                s["installation"]["installation"] = json!("eu1");
                s
            },
            "--region eu1",
        ),
        (
            {
                let mut s = state.clone();
                s["organisations"][0]["resources"]["spaceship"] = json!({});
                s
            },
            "spaceship",
        ),
        (
            {
                let mut s = state.clone();
                s["organisations"][0]["cognito_users"][0]["verifier"] = json!("xyz");
                s
            },
            "verifier",
        ),
        (
            {
                let mut s = state.clone();
                s["organisations"][0]["tasks"] = json!([{"id": 1}]);
                s
            },
            "malformed",
        ),
        (
            {
                let mut s = state.clone();
                s["organisations"] = json!([]);
                s
            },
            "no organisation",
        ),
        (
            {
                let mut s = state.clone();
                s["surprise"] = json!(true);
                s
            },
            "surprise",
        ),
    ];
    for (document, words) in cases {
        let (status, answer) = client.admin("PUT", "state", Some(document)).await;
        assert_eq!(status, 400, "{answer}");
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains(words), "{message} should name {words}");
    }
    let (status, answer) = client
        .http
        .put(format!("{}/_emulator/state", client.endpoint))
        .body("{not json")
        .send()
        .await
        .map(|r| r.status().as_u16())
        .map(|s| (s, ()))
        .unwrap();
    assert_eq!((status, answer), (400, ()));
    assert_eq!(client.admin("GET", "state", None).await.1, state);
    get(&client, &creds, "/20190206/accounts").await;
    emu.shutdown().await;
}

#[tokio::test]
async fn manual_transitions_hold_tasks_until_moved() {
    let emu = emulator(|o| {
        o.transitions = stax_emulator::Transitions::Manual;
        o.task_delay = Duration::from_millis(50);
    })
    .await;
    let client = Client::new(emu.endpoint()).await;
    let creds = client.login(emu.access_key(), emu.secret_key()).await;
    let answer = create_account(&client, &creds, "held-1", "development").await;
    let id = task_of(&answer);
    // Long past the task delay, it waits in its first state.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(task(&client, &creds, &id).await["Status"], "STARTED");
    let (status, moved) = client
        .admin("POST", &format!("tasks/{id}/advance"), None)
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["status"], "RUNNING");
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let running = task(&client, &creds, &id).await;
        assert_eq!(running["Status"], "RUNNING");
        assert!(running["Logs"].to_string().contains("in progress"));
    }
    let accounts = get(&client, &creds, "/20190206/accounts").await;
    let account = accounts["Accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == "held-1")
        .unwrap()
        .clone();
    assert_ne!(account["Status"], "ACTIVE");
    let (_, moved) = client
        .admin("POST", &format!("tasks/{id}/advance"), None)
        .await;
    assert_eq!(moved["status"], "SUCCEEDED");
    let done = task(&client, &creds, &id).await;
    assert_eq!(done["Status"], "SUCCEEDED");
    let one = get(
        &client,
        &creds,
        &format!("/20190206/accounts/{}", account["Id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(one["Accounts"][0]["Status"], "ACTIVE");
    // An ended task moves no more: 409. An unknown id: 404.
    let (status, answer) = client
        .admin("POST", &format!("tasks/{id}/complete"), None)
        .await;
    assert_eq!(status, 409, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("SUCCEEDED"));
    let (status, _) = client
        .admin(
            "POST",
            "tasks/00000000-0000-4000-8000-000000000000/advance",
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = client
        .admin("POST", &format!("tasks/{id}/explode"), None)
        .await;
    assert_eq!(status, 404);

    // Fail, by the record's id: the reason is in the task's logs, the account CREATE_FAILED.
    let answer = create_account(&client, &creds, "held-2", "development").await;
    let accounts = get(&client, &creds, "/20190206/accounts").await;
    let account_id = accounts["Accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == "held-2")
        .map(|a| a["Id"].as_str().unwrap().to_owned())
        .unwrap();
    let (status, failed) = client
        .admin(
            "POST",
            &format!("tasks/{account_id}/fail"),
            Some(json!({"reason": "no capacity in ap-southeast-2"})),
        )
        .await;
    assert_eq!(status, 200, "{failed}");
    assert_eq!(failed["status"], "FAILED");
    let ended = task(&client, &creds, &task_of(&answer)).await;
    assert_eq!(ended["Status"], "FAILED");
    assert!(
        ended["Logs"]
            .to_string()
            .contains("no capacity in ap-southeast-2")
    );
    let one = get(&client, &creds, &format!("/20190206/accounts/{account_id}")).await;
    assert_ne!(one["Accounts"][0]["Status"], "ACTIVE");

    // Back to auto: a held task ends by itself, one task delay later.
    let answer = create_account(&client, &creds, "held-3", "development").await;
    let (status, _) = client
        .admin("PUT", "transitions", Some(json!({"mode": "auto"})))
        .await;
    assert_eq!(status, 200);
    let (ended, _) = client.wait_task(&creds, &task_of(&answer)).await;
    assert_eq!(ended["Status"], "SUCCEEDED");
    let (status, answer) = client
        .admin("PUT", "transitions", Some(json!({"mode": "sometimes"})))
        .await;
    assert_eq!(status, 400);
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("auto or manual")
    );
    emu.shutdown().await;
}

/// The status an assignment of a permission set shows.
async fn assignment_status(client: &Client, creds: &Creds, set: &str, assignment: &str) -> String {
    let list = get(
        client,
        creds,
        &format!("/20210321/permission-sets/{set}/assignments"),
    )
    .await;
    list["Assignments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Id"] == assignment)
        .map(|a| a["Status"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("assignment {assignment} in {list}"))
}

#[tokio::test]
async fn manual_transitions_hold_permission_set_assignments_too() {
    let (emu, client, creds) = setup(0).await;
    client
        .admin("PUT", "transitions", Some(json!({"mode": "manual"})))
        .await;
    let (status, set) = client
        .call(
            &creds,
            "POST",
            "/20210321/permission-sets",
            Some(json!({"Name": "HeldReaders", "AWSManagedPolicies": [{"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]})),
        )
        .await;
    assert_eq!(status, 201, "{set}");
    let set_id = set["Id"].as_str().unwrap().to_owned();
    let groups = get(&client, &creds, "/20190206/groups").await;
    let group = groups["Groups"][0]["Id"].as_str().unwrap().to_owned();
    let types = get(&client, &creds, "/20190206/accounts/types").await;
    let account_type = types["AccountTypes"][0]["Id"].as_str().unwrap().to_owned();
    let (status, made) = client
        .call(
            &creds,
            "POST",
            &format!("/20210321/permission-sets/{set_id}/assignments"),
            Some(json!([{"GroupId": group, "AccountTypeId": account_type}])),
        )
        .await;
    assert!(status == 200 || status == 201, "{made}");
    let assignment = made[0]["Id"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        assignment_status(&client, &creds, &set_id, &assignment).await,
        "CREATE_REQUESTED"
    );
    let (status, moved) = client
        .admin("POST", &format!("tasks/{assignment}/advance"), None)
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(
        assignment_status(&client, &creds, &set_id, &assignment).await,
        "DEPLOYMENT_IN_PROGRESS"
    );
    client
        .admin("POST", &format!("tasks/{assignment}/complete"), None)
        .await;
    assert_eq!(
        assignment_status(&client, &creds, &set_id, &assignment).await,
        "DEPLOYMENT_COMPLETE"
    );
    // Its deletion, made to fail: DELETE_FAILED.
    let (status, _) = client
        .call(
            &creds,
            "DELETE",
            &format!("/20210321/permission-sets/{set_id}/assignments/{assignment}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        assignment_status(&client, &creds, &set_id, &assignment).await,
        "DELETE_REQUESTED"
    );
    client
        .admin(
            "POST",
            &format!("tasks/{assignment}/fail"),
            Some(json!({"reason": "role in use"})),
        )
        .await;
    assert_eq!(
        assignment_status(&client, &creds, &set_id, &assignment).await,
        "DELETE_FAILED"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn outcome_rules_make_the_next_tasks_fail_in_auto_transitions() {
    let (emu, client, creds) = setup(0).await;
    let (status, rules) = client
        .admin(
            "POST",
            "outcomes",
            Some(json!({"operation": "accounts.CreateAccount", "outcome": "FAILED", "times": 1, "reason": "account limit reached"})),
        )
        .await;
    assert_eq!(status, 200, "{rules}");
    assert_eq!(rules[0]["remaining"], 1);
    let first = create_account(&client, &creds, "doomed", "development").await;
    let (ended, _) = client.wait_task(&creds, &task_of(&first)).await;
    assert_eq!(ended["Status"], "FAILED");
    assert!(ended["Logs"].to_string().contains("account limit reached"));
    // Other operations' tasks are not touched, and the rule is used up.
    let group = send(
        &client,
        &creds,
        "POST",
        "/20190206/groups",
        Some(json!({"Name": "unaffected"})),
    )
    .await;
    assert_eq!(
        client.wait_task(&creds, &task_of(&group)).await.0["Status"],
        "SUCCEEDED"
    );
    let second = create_account(&client, &creds, "fine", "development").await;
    assert_eq!(
        client.wait_task(&creds, &task_of(&second)).await.0["Status"],
        "SUCCEEDED"
    );
    assert_eq!(client.admin("GET", "outcomes", None).await.1, json!([]));
    // Refusals name the problem.
    let (status, answer) = client
        .admin(
            "POST",
            "outcomes",
            Some(json!({"operation": "accounts.CreateAcount", "outcome": "FAILED"})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("did you mean accounts.CreateAccount"),
        "{answer}"
    );
    let (status, answer) = client
        .admin(
            "POST",
            "outcomes",
            Some(json!({"operation": "accounts.CreateAccount", "outcome": "MAYBE"})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("SUCCEEDED or FAILED")
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn a_fault_rule_hits_exactly_its_operation_times() {
    let (emu, client, creds) = setup(0).await;
    let (status, set) = client
        .admin(
            "PUT",
            "faults",
            Some(json!({"rules": [{"operation": "teams.CreateApiToken", "fault": "status=500", "times": 2}]})),
        )
        .await;
    assert_eq!(status, 200, "{set}");
    let mut statuses = Vec::new();
    for i in 0..4 {
        let (status, _) = client
            .call(&creds, "GET", "/20190206/api-tokens", None)
            .await;
        assert_eq!(status, 200, "another operation is never hit");
        let (status, body) = client
            .call(
                &creds,
                "POST",
                "/20190206/api-tokens",
                Some(json!({"Name": format!("t{i}"), "Role": "api_readonly"})),
            )
            .await;
        statuses.push(status);
        if status == 500 {
            assert!(body.to_string().contains("Injected fault"), "{body}");
        }
    }
    assert_eq!(statuses, [500, 500, 200, 200]);
    let stats = emu.stats();
    assert_eq!(
        stats["fault_rules"],
        json!([{"operation": "teams.CreateApiToken", "fault": "status=500", "times": 2, "hits": 2}])
    );
    assert_eq!(stats["faults_injected"], 2);
    assert_eq!(stats["operations"]["teams.CreateApiToken"], 4);

    // A spec at run time (the --faults grammar), then none.
    let (status, _) = client
        .admin(
            "PUT",
            "faults",
            Some(json!({"spec": "status=503:1.0", "seed": 3})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 503);
    let (status, faults) = client.admin("DELETE", "faults", None).await;
    assert_eq!((status, faults["spec"].clone()), (200, Value::Null));
    let (status, _) = client.call(&creds, "GET", "/20190206/accounts", None).await;
    assert_eq!(status, 200);

    // A Cognito call by its name; the Permission Sets API answers in its own error shape.
    client
        .admin(
            "PUT",
            "faults",
            Some(json!({"rules": [
                {"operation": "InitiateAuth", "fault": "throttle"},
                {"operation": "permission-sets.ListPermissionSets", "fault": "status=502"}
            ]})),
        )
        .await;
    let err = client
        .sign_in(emu.access_key(), emu.secret_key())
        .await
        .unwrap_err();
    assert_eq!(err.0, "TooManyRequestsException");
    client
        .sign_in(emu.access_key(), emu.secret_key())
        .await
        .unwrap();
    let (status, body) = client
        .call(&creds, "GET", "/20210321/permission-sets", None)
        .await;
    assert_eq!(status, 502);
    assert_eq!(body["Error"]["Code"], 502);

    // Refusals: an unknown operation, a fault not of the grammar.
    for (body, words) in [
        (
            json!({"rules": [{"operation": "teams.CreateApiTokens", "fault": "drop"}]}),
            "did you mean teams.CreateApiToken",
        ),
        (
            json!({"rules": [{"operation": "teams.CreateApiToken", "fault": "explode"}]}),
            "unknown fault",
        ),
        (json!({"spec": "status=99:1"}), "400 to 599"),
        (json!({"spec": "throttle:1", "colour": "red"}), "colour"),
    ] {
        let (status, answer) = client.admin("PUT", "faults", Some(body)).await;
        assert_eq!(status, 400, "{answer}");
        assert!(
            answer["message"].as_str().unwrap().contains(words),
            "{answer}"
        );
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn organisations_are_added_with_a_token_of_their_own() {
    let (emu, client, _) = setup(0).await;
    let (status, org) = client
        .admin(
            "POST",
            "organisations",
            Some(json!({"seed": "demo", "name": "Partner"})),
        )
        .await;
    assert_eq!(status, 200, "{org}");
    assert_eq!(org["endpoint"], emu.endpoint());
    assert_eq!(org["ca_cert"], Value::Null);
    let creds = client
        .login(
            org["access_key"].as_str().unwrap(),
            org["secret_key"].as_str().unwrap(),
        )
        .await;
    let current = get(&client, &creds, "/20190206/organisations/current").await;
    assert_eq!(current["Organisations"][0]["Id"], org["organisation_id"]);
    assert_eq!(current["Organisations"][0]["Name"], "Partner");
    let accounts = get(&client, &creds, "/20190206/accounts").await;
    assert!(
        accounts["Accounts"].as_array().unwrap().len() >= 8,
        "seeded demo"
    );
    let (status, answer) = client
        .admin("POST", "organisations", Some(json!({"seed": "lots"})))
        .await;
    assert_eq!(status, 400);
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("demo or empty")
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn the_transitions_flag_holds_tasks_from_the_start() {
    let mut process = Process::spawn(&["--transitions", "manual", "--task-delay-ms", "10"]);
    let client = Client::new(process.ready("endpoint")).await;
    let (status, mode) = client.admin("GET", "transitions", None).await;
    assert_eq!((status, &mode["mode"]), (200, &json!("manual")), "{mode}");
    let creds = client
        .login(process.ready("access_key"), process.ready("secret_key"))
        .await;
    let answer = create_account(&client, &creds, "flag-held", "development").await;
    let id = task_of(&answer);
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(task(&client, &creds, &id).await["Status"], "STARTED");
    let (_, moved) = client
        .admin("POST", &format!("tasks/{id}/complete"), None)
        .await;
    assert_eq!(moved["status"], "SUCCEEDED");
    assert_eq!(task(&client, &creds, &id).await["Status"], "SUCCEEDED");
    // A reset keeps the mode the process started with.
    client
        .admin("PUT", "transitions", Some(json!({"mode": "auto"})))
        .await;
    client.admin("POST", "reset", None).await;
    let (_, mode) = client.admin("GET", "transitions", None).await;
    assert_eq!(mode["mode"], "manual");
    assert!(process.terminate().success());

    // A mode it does not know is refused at start, naming the flag.
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_stax-emulator"))
        .args(["--transitions", "sometimes"])
        .output()
        .expect("binary runs");
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("--transitions"), "{said}");
}
