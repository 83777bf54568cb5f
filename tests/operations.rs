//! Operations: reflection (v1 and v1alpha), health while draining, SIGTERM, and logs
//! that never carry a code, a key or a token.

mod common;

use std::process::Stdio;

use common::*;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;
use tokio_stream::StreamExt;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use verifyd::pb::{self, Channel::*};

#[tokio::test]
async fn reflection_v1_and_v1alpha_list_the_services() {
    let ts = TestServer::start().await;
    let want = [
        "grpc.health.v1.Health",
        "verifyd.v1.AdminService",
        "verifyd.v1.VerifyService",
    ];

    use tonic_reflection::pb::v1 as r1;
    let mut c = r1::server_reflection_client::ServerReflectionClient::new(ts.channel.clone());
    let req = r1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(r1::server_reflection_request::MessageRequest::ListServices(
            String::new(),
        )),
    };
    let mut resp = c
        .server_reflection_info(tokio_stream::iter([req]))
        .await
        .unwrap()
        .into_inner();
    let Some(r1::server_reflection_response::MessageResponse::ListServicesResponse(list)) =
        resp.next().await.unwrap().unwrap().message_response
    else {
        panic!("not a service list")
    };
    let names: Vec<_> = list.service.iter().map(|s| s.name.as_str()).collect();
    assert!(want.iter().all(|w| names.contains(w)), "{names:?}");

    use tonic_reflection::pb::v1alpha as ra;
    let mut c = ra::server_reflection_client::ServerReflectionClient::new(ts.channel.clone());
    let req = ra::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            ra::server_reflection_request::MessageRequest::FileContainingSymbol(
                "verifyd.v1.VerifyService".into(),
            ),
        ),
    };
    let mut resp = c
        .server_reflection_info(tokio_stream::iter([req]))
        .await
        .unwrap()
        .into_inner();
    match resp.next().await.unwrap().unwrap().message_response {
        Some(ra::server_reflection_response::MessageResponse::FileDescriptorResponse(f)) => {
            assert!(!f.file_descriptor_proto.is_empty());
        }
        other => panic!("v1alpha did not describe the service: {other:?}"),
    }
    ts.stop().await;
}

#[tokio::test]
async fn health_turns_not_serving_when_draining() {
    let ts = TestServer::start_with(&["--shutdown-grace-sec", "2"]).await;
    let mut health = HealthClient::new(ts.channel.clone());
    let mut watch = health
        .watch(HealthCheckRequest {
            service: "verifyd.v1.VerifyService".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        watch.message().await.unwrap().unwrap().status(),
        ServingStatus::Serving
    );
    let TestServer {
        running,
        data,
        client,
    } = ts;
    let stopping = tokio::spawn(running.unwrap().shutdown());
    let next = tokio::time::timeout(PATIENCE, watch.message())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(next.status(), ServingStatus::NotServing);
    drop(watch);
    tokio::time::timeout(PATIENCE, stopping)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    drop((client, data));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_and_logs_hold_no_secrets() {
    let data = Data::fresh().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_verifyd"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--clock",
            "manual",
            "--log",
            "trace",
        ])
        .args(["--admin-token", ADMIN_TOKEN, "--bootstrap-api-key", API_KEY])
        .args(data.flags())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stderr = child.stderr.take().unwrap();
    let log = tokio::spawn(async move {
        let mut s = String::new();
        stderr.read_to_string(&mut s).await.unwrap();
        s
    });
    let addr = loop {
        let line = stdout.next_line().await.unwrap().expect("listening line");
        if let Some(a) = line.strip_prefix("listening on ") {
            break a.to_owned();
        }
    };
    let c = Client::connect(&addr).await;
    let mut codes = Vec::new();
    for phone in [magic(1, 0, 1, 0), magic(0, 0, 0, 0)] {
        let mut r = start_req(&phone, &[Telegram, Voice, Sms]);
        r.code_length = Some(8);
        let v = c.start_v(r).await.unwrap();
        c.wait_delivery_done(&v.id).await;
        c.check(&v.id, "00000000").await.unwrap();
        assert_eq!(
            c.check(&v.id, v.code()).await.unwrap().result(),
            pb::CheckResult::Verified
        );
        codes.push(v.code.unwrap());
    }
    let mut r = start_req("", &[Email]);
    r.email = "ada@example.com".into();
    r.code = Some("48151623".into());
    c.start_v(r).await.unwrap();
    codes.push("48151623".into());
    drop(c);

    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(PATIENCE, child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "SIGTERM exits 0, got {status:?}");

    let log = log.await.unwrap();
    assert!(
        log.contains("verification started") && log.contains("draining"),
        "{log}"
    );
    for secret in codes
        .iter()
        .map(String::as_str)
        .chain([API_KEY, ADMIN_TOKEN])
    {
        assert!(!log.contains(secret), "the log contains a secret");
    }
}
