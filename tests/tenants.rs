//! Authentication, tenant isolation and the admin service.

mod common;

use common::*;
use tonic::{Code, Request};
use verifyd::pb::{self, Channel::*};

async fn second_tenant(ts: &TestServer, id: &str) -> String {
    ts.admin()
        .create_tenant(admin_req(pb::CreateTenantRequest {
            tenant_id: id.into(),
            settings: None,
        }))
        .await
        .unwrap();
    ts.admin()
        .create_api_key(admin_req(pb::CreateApiKeyRequest {
            tenant_id: id.into(),
            description: "ci".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .api_key
}

#[tokio::test]
async fn missing_or_wrong_credentials_are_unauthenticated() {
    let ts = TestServer::start().await;
    let get = pb::GetVerificationRequest {
        id: uuid::Uuid::new_v4().to_string(),
    };
    let other_key = second_tenant(&ts, "other").await;

    let s = ts
        .verify()
        .get_verification(Request::new(get.clone()))
        .await
        .unwrap_err();
    assert_status(&s, Code::Unauthenticated, "UNAUTHENTICATED");
    for (key, tenant) in [
        ("wrong-key-000000000000", TENANT),
        (API_KEY, "other"),
        (other_key.as_str(), TENANT),
        (API_KEY, ""),
    ] {
        let s = ts
            .verify()
            .get_verification(req_as(get.clone(), key, tenant))
            .await
            .unwrap_err();
        assert_status(&s, Code::Unauthenticated, "UNAUTHENTICATED");
    }
    // The admin token is not an API key and an API key is not the admin token.
    let s = ts
        .verify()
        .get_verification(req_as(get.clone(), ADMIN_TOKEN, TENANT))
        .await
        .unwrap_err();
    assert_eq!(s.code(), Code::Unauthenticated);
    let mut r = Request::new(pb::ListTenantsRequest {});
    r.metadata_mut().insert(
        "authorization",
        format!("Bearer {API_KEY}").parse().unwrap(),
    );
    assert_status(
        &ts.admin().list_tenants(r).await.unwrap_err(),
        Code::Unauthenticated,
        "UNAUTHENTICATED",
    );
    let s = ts
        .admin()
        .list_tenants(Request::new(pb::ListTenantsRequest {}))
        .await
        .unwrap_err();
    assert_eq!(s.code(), Code::Unauthenticated);

    // Health and reflection need no credentials.
    let mut health = tonic_health::pb::health_client::HealthClient::new(ts.channel.clone());
    let h = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "verifyd.v1.VerifyService".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        h.status(),
        tonic_health::pb::health_check_response::ServingStatus::Serving
    );
    ts.stop().await;
}

#[tokio::test]
async fn another_tenants_verification_is_not_found() {
    let ts = TestServer::start().await;
    let key = second_tenant(&ts, "globex").await;
    let v = ts
        .start_v(start_req(&magic(2, 0, 0, 0), &[Telegram, Sms]))
        .await
        .unwrap();
    let code = v.code.clone().unwrap();
    let mut c = ts.verify();
    let s = c
        .get_verification(req_as(
            pb::GetVerificationRequest { id: v.id.clone() },
            &key,
            "globex",
        ))
        .await
        .unwrap_err();
    assert_status(&s, Code::NotFound, "NOT_FOUND");
    let unknown = c
        .get_verification(req_as(
            pb::GetVerificationRequest {
                id: uuid::Uuid::new_v4().to_string(),
            },
            &key,
            "globex",
        ))
        .await
        .unwrap_err();
    assert_eq!(s.message(), unknown.message(), "no hint that the id exists");
    let s = c
        .check_code(req_as(
            pb::CheckCodeRequest {
                id: v.id.clone(),
                code: code.clone(),
            },
            &key,
            "globex",
        ))
        .await
        .unwrap_err();
    assert_status(&s, Code::NotFound, "NOT_FOUND");
    let s = c
        .cancel_verification(req_as(
            pb::CancelVerificationRequest { id: v.id.clone() },
            &key,
            "globex",
        ))
        .await
        .unwrap_err();
    assert_status(&s, Code::NotFound, "NOT_FOUND");
    let s = c
        .watch_status(req_as(
            pb::WatchStatusRequest { id: v.id.clone() },
            &key,
            "globex",
        ))
        .await
        .unwrap_err();
    assert_status(&s, Code::NotFound, "NOT_FOUND");
    // Their tenant-wide snapshot does not show ours.
    let snap = c
        .watch_status(req_as(pb::WatchStatusRequest::default(), &key, "globex"))
        .await
        .unwrap()
        .into_inner()
        .message()
        .await
        .unwrap()
        .unwrap();
    assert!(snap.active_verifications.is_empty());
    // None of that touched ours.
    let now = ts.get(&v.id).await;
    assert_eq!(now.state(), pb::VerificationState::Pending);
    assert_eq!(now.attempts_remaining, 5);
    ts.stop().await;
}

#[tokio::test]
async fn admin_manages_tenants_and_keys() {
    let ts = TestServer::start().await;
    let mut admin = ts.admin();
    let t = admin
        .create_tenant(admin_req(pb::CreateTenantRequest {
            tenant_id: "initech".into(),
            settings: Some(pb::TenantSettings {
                default_app_name: "Initech".into(),
                default_lang: pb::Lang::Nl as i32,
                ..Default::default()
            }),
        }))
        .await
        .unwrap()
        .into_inner()
        .tenant
        .unwrap();
    assert_eq!(
        t.settings.unwrap().prices.len(),
        5,
        "the effective price list is shown"
    );
    let s = admin
        .create_tenant(admin_req(pb::CreateTenantRequest {
            tenant_id: "initech".into(),
            settings: None,
        }))
        .await
        .unwrap_err();
    assert_status(&s, Code::AlreadyExists, "TENANT_EXISTS");
    let s = admin
        .create_tenant(admin_req(pb::CreateTenantRequest {
            tenant_id: "Bad Id".into(),
            settings: None,
        }))
        .await
        .unwrap_err();
    assert_status(&s, Code::InvalidArgument, "VALIDATION_FAILED");
    let s = admin
        .update_tenant_settings(admin_req(pb::UpdateTenantSettingsRequest {
            tenant_id: "initech".into(),
            settings: Some(pb::TenantSettings {
                sms_filters: vec!["7*".into()],
                ..Default::default()
            }),
        }))
        .await
        .unwrap_err();
    assert_eq!(details(&s).1, vec!["settings.sms_filters[0]"]);

    let created = admin
        .create_api_key(admin_req(pb::CreateApiKeyRequest {
            tenant_id: "initech".into(),
            description: "backend".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let listed = admin
        .list_api_keys(admin_req(pb::ListApiKeysRequest {
            tenant_id: "initech".into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .keys;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].key_id, created.key_id);

    // Tenant defaults apply to its verifications.
    let v = ts
        .verify()
        .start_verification(req_as(
            pb::StartVerificationRequest {
                app_name: String::new(),
                ..start_req(&magic(0, 0, 0, 0), &[Sms])
            },
            &created.api_key,
            "initech",
        ))
        .await
        .unwrap()
        .into_inner()
        .verification
        .unwrap();
    assert_eq!(v.app_name, "Initech");
    assert_eq!(v.lang(), pb::Lang::Nl);
    assert_eq!(v.tenant_id, "initech");

    admin
        .revoke_api_key(admin_req(pb::RevokeApiKeyRequest {
            tenant_id: "initech".into(),
            key_id: created.key_id.clone(),
        }))
        .await
        .unwrap();
    let s = ts
        .verify()
        .get_verification(req_as(
            pb::GetVerificationRequest { id: v.id },
            &created.api_key,
            "initech",
        ))
        .await
        .unwrap_err();
    assert_eq!(s.code(), Code::Unauthenticated);

    let s = admin
        .advance_clock(admin_req(pb::AdvanceClockRequest { seconds: 0 }))
        .await
        .unwrap_err();
    assert_eq!(s.code(), Code::InvalidArgument);
    ts.stop().await;

    let system = TestServer::start_with(&["--clock", "system"]).await;
    let s = system
        .admin()
        .advance_clock(admin_req(pb::AdvanceClockRequest { seconds: 5 }))
        .await
        .unwrap_err();
    assert_status(&s, Code::FailedPrecondition, "CLOCK_NOT_MANUAL");
    system.stop().await;
}

#[tokio::test]
async fn keys_and_settings_survive_a_restart() {
    let ts = TestServer::start().await;
    let key = second_tenant(&ts, "persist").await;
    let dir = ts.stop().await;
    let ts = TestServer::start_in(dir, &[]).await;
    ts.verify()
        .start_verification(req_as(
            start_req(&magic(0, 0, 0, 0), &[Sms]),
            &key,
            "persist",
        ))
        .await
        .expect("the key still works");
    ts.stop().await;
}
