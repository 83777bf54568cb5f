//! The contract says what the service does: the timeout in force on each step and
//! attempt, and every example value in the proto comments and the READMEs is one the
//! server accepts (or, for a field path, one it really reports).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use tonic::Code;
use verifyd::pb::{self, Channel::*};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ms(t: &Option<verifyd::pb::wkt::Timestamp>) -> i64 {
    let t = t.as_ref().expect("timestamp set");
    t.seconds * 1000 + i64::from(t.nanos) / 1_000_000
}

/// The texts whose examples must hold: the comments of every proto file, the README,
/// the client READMEs and the server contract for client tests.
fn documents() -> Vec<(PathBuf, String)> {
    let root = root();
    let mut docs = Vec::new();
    let protos = root.join("proto/verifyd/v1");
    let mut files: Vec<_> = std::fs::read_dir(&protos)
        .expect("proto dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "proto"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "no proto files in {}", protos.display());
    for p in files {
        let text = std::fs::read_to_string(&p).expect("proto");
        let comments: Vec<&str> = text
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("//"))
            .collect();
        docs.push((p, comments.join("\n")));
    }
    for rel in [
        "README.md",
        "clients/python/README.md",
        "clients/go/README.md",
        "clients/typescript/README.md",
        "clients/java/README.md",
        "docs/server-contract.md",
    ] {
        let p = root.join(rel);
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{rel}: {e}"));
        docs.push((p, text));
    }
    docs
}

/// Tokens that start with `+` and a digit, made of digits, `*` and `?`: phone numbers
/// and SMS filter patterns. Short ones (a price sum "1 + 12", the prefix "+3319900"
/// described in words) are not examples of a whole number.
fn plus_tokens(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'+' && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            let start = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'*' || b[i] == b'?') {
                i += 1;
            }
            // "+33 1 99 00 T W V S" and "+3319900TWVS" describe a shape, not a number.
            let glued_to_text = b.get(i).is_some_and(u8::is_ascii_alphanumeric);
            let token = &text[start..i];
            let digits = token.bytes().filter(u8::is_ascii_digit).count();
            let is_pattern = token.contains(['*', '?']);
            if !glued_to_text && (is_pattern || digits >= 8) {
                out.push(token.to_owned());
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Email addresses: `local@domain.tld`.
fn emails(text: &str) -> Vec<String> {
    let local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let domain = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
    let mut out = Vec::new();
    for (at, _) in text.match_indices('@') {
        let before = &text[..at];
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| local(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let after = &text[at + 1..];
        let end = after.find(|c| !domain(c)).unwrap_or(after.len());
        let (l, d) = (&text[start..at], after[..end].trim_end_matches('.'));
        if !l.is_empty() && d.contains('.') && !d.starts_with('.') {
            out.push(format!("{l}@{d}"));
        }
    }
    out
}

/// Field paths with an index, such as `routing_strategy[2].timeout_sec`.
fn field_paths(text: &str) -> Vec<String> {
    let ident = |c: char| c.is_ascii_lowercase() || c == '_';
    let mut out = Vec::new();
    for (open, _) in text.match_indices('[') {
        let name_start = text[..open]
            .char_indices()
            .rev()
            .take_while(|(_, c)| ident(*c) || *c == '.')
            .last()
            .map_or(open, |(i, _)| i);
        let rest = &text[open + 1..];
        let Some(close) = rest.find(']') else {
            continue;
        };
        if close == 0 || !rest[..close].bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Some(field) = rest[close + 1..].strip_prefix('.') else {
            continue;
        };
        let field_len = field.find(|c| !ident(c)).unwrap_or(field.len());
        let name = &text[name_start..open];
        // `.messages[0].code` is a jq path in the walkthrough, not a request field.
        if name.is_empty() || name.starts_with('.') || field_len == 0 {
            continue;
        }
        out.push(format!(
            "{name}[{}].{}",
            &rest[..close],
            &field[..field_len]
        ));
    }
    out
}

struct Examples {
    phones: Vec<(String, PathBuf)>,
    sms_filters: Vec<(String, PathBuf)>,
    emails: Vec<(String, PathBuf)>,
    field_paths: Vec<(String, PathBuf)>,
}

fn examples() -> Examples {
    let mut ex = Examples {
        phones: Vec::new(),
        sms_filters: Vec::new(),
        emails: Vec::new(),
        field_paths: Vec::new(),
    };
    fn add(list: &mut Vec<(String, PathBuf)>, value: String, from: &Path) {
        if !list.iter().any(|(v, _)| *v == value) {
            list.push((value, from.to_owned()));
        }
    }
    for (path, text) in documents() {
        for t in plus_tokens(&text) {
            if t.contains(['*', '?']) {
                add(&mut ex.sms_filters, t, &path);
            } else {
                add(&mut ex.phones, t, &path);
            }
        }
        for e in emails(&text) {
            add(&mut ex.emails, e, &path);
        }
        for f in field_paths(&text) {
            add(&mut ex.field_paths, f, &path);
        }
    }
    ex
}

#[test]
fn the_extractors_find_what_they_must() {
    let text = "E.164 (for example \"+33199000000\"), `+7*` or \"+4477009?????\"; \
                +33 1 99 00 T W V S, +3319900TWVS, 1 + 12 + 8, ada+fail@example.com. \
                Paths such as `routing_strategy[1].timeout_sec` and settings.prices[0].channel.";
    assert_eq!(plus_tokens(text), ["+33199000000", "+7*", "+4477009?????"]);
    assert_eq!(emails(text), ["ada+fail@example.com"]);
    assert_eq!(
        field_paths(text),
        [
            "routing_strategy[1].timeout_sec",
            "settings.prices[0].channel"
        ]
    );
    // The real documents hold examples of each kind; an extractor that silently finds
    // nothing would make the test below pass vacuously.
    let ex = examples();
    assert!(ex.phones.len() >= 4, "{:?}", ex.phones);
    assert!(!ex.sms_filters.is_empty());
    assert!(!ex.emails.is_empty(), "the README shows no email example");
    assert!(ex.field_paths.len() >= 3, "{:?}", ex.field_paths);
}

/// A request whose only violation (besides others) is at `path`, or `None` when this
/// test does not know how to produce that path: then it fails, so that a new kind of
/// example in the docs gets a request here.
fn request_violating(path: &str) -> Option<pb::StartVerificationRequest> {
    let (head, field) = path.split_once("].")?;
    let index: usize = head.strip_prefix("routing_strategy[")?.parse().ok()?;
    // Steps before `index` use distinct channels that may come first.
    let before = [Telegram, Whatsapp, Voice];
    if index > before.len() {
        return None;
    }
    let mut steps: Vec<pb::RoutingStep> = before[..index].iter().map(|c| step(*c)).collect();
    let bad = match field {
        "channel" => step(Unspecified),
        "timeout_sec" => pb::RoutingStep {
            channel: Sms as i32,
            timeout_sec: Some(30),
            ..Default::default()
        },
        "sender_id" => pb::RoutingStep {
            channel: Sms as i32,
            sender_id: Some(String::new()),
            ..Default::default()
        },
        "template" => pb::RoutingStep {
            channel: Sms as i32,
            template: Some("no placeholder".into()),
            ..Default::default()
        },
        _ => return None,
    };
    steps.push(bad);
    Some(pb::StartVerificationRequest {
        phone: "+33199000000".into(),
        routing_strategy: steps,
        ..Default::default()
    })
}

#[tokio::test]
async fn every_example_in_the_proto_and_the_readmes_is_accepted() {
    let ts = TestServer::start().await;
    let ex = examples();
    let mut wrong = Vec::new();

    for (phone, from) in &ex.phones {
        let r = ts.start_v(start_req(phone, &[Sms])).await;
        if let Err(s) = r {
            wrong.push(format!(
                "{}: phone {phone}: {}",
                from.display(),
                s.message()
            ));
        }
    }
    for (email, from) in &ex.emails {
        let r = ts
            .start_v(pb::StartVerificationRequest {
                email: email.clone(),
                routing_strategy: vec![step(Email)],
                ..Default::default()
            })
            .await;
        if let Err(s) = r {
            wrong.push(format!(
                "{}: email {email}: {}",
                from.display(),
                s.message()
            ));
        }
    }
    // Phones and emails are also valid blocked recipients, and the patterns valid SMS
    // filters, in the settings of a tenant.
    let settings = pb::TenantSettings {
        blocked_numbers: ex
            .phones
            .iter()
            .chain(&ex.emails)
            .map(|(v, _)| v.clone())
            .collect(),
        sms_filters: ex.sms_filters.iter().map(|(v, _)| v.clone()).collect(),
        ..Default::default()
    };
    if let Err(s) = ts
        .admin()
        .create_tenant(admin_req(pb::CreateTenantRequest {
            tenant_id: "examples".into(),
            settings: Some(settings),
        }))
        .await
    {
        wrong.push(format!(
            "tenant settings {:?} / {:?}: {:?}",
            ex.sms_filters,
            ex.phones,
            details(&s)
        ));
    }
    for (path, from) in &ex.field_paths {
        let Some(r) = request_violating(path) else {
            wrong.push(format!(
                "{}: field path {path}: no request in this test produces it",
                from.display()
            ));
            continue;
        };
        match ts.start_v(r).await {
            Ok(v) => wrong.push(format!("{}: {path}: accepted {}", from.display(), v.id)),
            Err(s) => {
                assert_eq!(s.code(), Code::InvalidArgument, "{s:?}");
                let (_, fields) = details(&s);
                if !fields.contains(path) {
                    wrong.push(format!(
                        "{}: the server reports {fields:?}, not {path}",
                        from.display()
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "examples the service rejects:\n{}",
        wrong.join("\n")
    );
    ts.stop().await;
}

/// The example in ChannelAttempt.error_reason's comment, `(for example "...")`.
fn error_reason_example() -> String {
    let proto = std::fs::read_to_string(root().join("proto/verifyd/v1/verify.proto")).unwrap();
    let lines: Vec<&str> = proto.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with("string error_reason"))
        .expect("ChannelAttempt.error_reason");
    let mut comment: Vec<&str> = lines[..at]
        .iter()
        .rev()
        .map_while(|l| l.trim_start().strip_prefix("//"))
        .map(str::trim)
        .collect();
    comment.reverse();
    let joined = comment.join(" ");
    let start = joined
        .find("for example \"")
        .expect("error_reason's comment gives an example")
        + "for example \"".len();
    let end = joined[start..].find('"').expect("closing quote") + start;
    joined[start..end].to_owned()
}

#[tokio::test]
async fn a_step_without_timeout_shows_the_30_s_in_force_and_each_deadline() {
    let ts = TestServer::start_with(&["--voice-answer-timeout-sec", "45"]).await;
    // telegram and whatsapp never report, voice is not answered, sms is accepted.
    let r = start_req(&magic(2, 2, 2, 0), &[Telegram, Whatsapp, Voice, Sms]);
    let started = ts.start_v(r).await.expect("start");
    let timeouts = |v: &pb::Verification| -> Vec<Option<u32>> {
        v.routing_strategy.iter().map(|s| s.timeout_sec).collect()
    };
    assert_eq!(timeouts(&started), [Some(30), Some(30), None, None]);

    let v = ts.wait_sent(&started.id, 0).await;
    assert_eq!(
        timeouts(&ts.get(&started.id).await),
        [Some(30), Some(30), None, None]
    );
    let tg = &v.history[0];
    assert_eq!(ms(&tg.deadline) - ms(&tg.sent_at), 30_000, "{tg:?}");
    assert!(v.history[1..].iter().all(|a| a.deadline.is_none()));

    ts.advance(30);
    let v = ts.wait_sent(&started.id, 1).await;
    assert_eq!(v.history[0].status(), pb::DeliveryStatus::Failed);
    assert_eq!(v.history[0].error_reason, error_reason_example());
    assert!(
        v.history[0].deadline.is_none(),
        "a finished attempt has no deadline"
    );
    let wa = &v.history[1];
    assert_eq!(ms(&wa.deadline) - ms(&wa.sent_at), 30_000, "{wa:?}");

    ts.advance(30);
    let v = ts.wait_sent(&started.id, 2).await;
    let voice = &v.history[2];
    assert_eq!(
        ms(&voice.deadline) - ms(&voice.sent_at),
        45_000,
        "voice rings --voice-answer-timeout-sec: {voice:?}"
    );

    ts.advance(45);
    let v = ts.wait_delivery_done(&started.id).await;
    assert_eq!(
        statuses(&v),
        [
            pb::DeliveryStatus::Failed,
            pb::DeliveryStatus::Failed,
            pb::DeliveryStatus::Failed,
            pb::DeliveryStatus::Success
        ]
    );
    assert!(v.history.iter().all(|a| a.deadline.is_none()), "{v:?}");
    ts.stop().await;
}

#[tokio::test]
async fn a_retry_without_timeout_matches_the_first_request() {
    let ts = TestServer::start().await;
    let mut r = start_req(&magic(0, 0, 0, 0), &[Telegram, Sms]);
    r.request_id = "retry-1".into();
    let first = ts.start_v(r.clone()).await.expect("first");
    let again = ts.start_v(r.clone()).await.expect("retry");
    assert_eq!(first.id, again.id);
    // Asking for the default explicitly is the same request.
    r.routing_strategy[0].timeout_sec = Some(30);
    assert_eq!(ts.start_v(r.clone()).await.expect("same").id, first.id);
    r.routing_strategy[0].timeout_sec = Some(31);
    let e = ts.start_v(r).await.expect_err("a different request");
    assert_status(&e, Code::AlreadyExists, "REQUEST_ID_REUSED");
    ts.stop().await;
}

#[tokio::test]
async fn the_readme_sandbox_examples_behave_as_described() {
    let ts = TestServer::start().await;
    use pb::DeliveryStatus::*;
    // "+33199001110: telegram, whatsapp and voice fail, sms is accepted."
    let v = ts
        .start_v(start_req("+33199001110", &[Telegram, Whatsapp, Voice, Sms]))
        .await
        .unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), [Failed, Failed, Failed, Success]);
    // "+33199000003: sms blocked": the step and the verification fail.
    let v = ts.start_v(start_req("+33199000003", &[Sms])).await.unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!((statuses(&v), v.status()), (vec![Failed], Failed));
    // "+33199002000: telegram never confirms": the sandbox sends no report, and the
    // step waits out its timeout.
    let v = ts
        .start_v(start_req("+33199002000", &[Telegram, Sms]))
        .await
        .unwrap();
    ts.wait_sent(&v.id, 0).await;
    let outbox = ts.sandbox_messages(&v.id).await;
    assert_eq!(outbox[0].outcome, "no report", "{outbox:?}");
    ts.advance(30);
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), [Failed, Success]);
    // "ada+fail@example.com" (an address whose local part ends in +fail) fails.
    let v = ts
        .start_v(pb::StartVerificationRequest {
            email: "ada+fail@example.com".into(),
            routing_strategy: vec![step(Email)],
            ..Default::default()
        })
        .await
        .unwrap();
    let v = ts.wait_delivery_done(&v.id).await;
    assert_eq!(statuses(&v), [Failed]);
    ts.stop().await;
}
