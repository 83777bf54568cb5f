//! The `smtp` provider against the SMTP double: the message as it arrives
//! (envelope, headers, both MIME parts, Message-ID), STARTTLS and implicit TLS with
//! a CA made for the test, authentication, every failure class, one pooled
//! connection reused, and the validation of its settings.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::doubles::smtp::{Behaviour, SmtpDouble, TlsMode};
use verifyd::channels::config::{DeliveryConfig, Env};
use verifyd::channels::sandbox::Sandbox;
use verifyd::channels::{Outbound, Provider, ReportSink, SendError, Settles};
use verifyd::domain::channel::Channel;
use verifyd::domain::lang::Lang;
use verifyd::domain::messages::render;

const FROM: &str = "Acme <no-reply@acme.example>";
const TO: &str = "jana.novak@example.org";

fn env(vars: &[(&str, &str)]) -> Env {
    Env::new(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

fn build_with(toml: &str, env: &Env) -> Result<verifyd::channels::Channels, String> {
    let sandbox = Arc::new(Sandbox::new(ReportSink::new().0, None).expect("sandbox"));
    DeliveryConfig::parse(toml)?.build(env, sandbox, false)
}

fn provider(toml: &str) -> Arc<dyn Provider> {
    build_with(toml, &env(&[("SMTP_PASSWORD", "s3cret-pass")]))
        .unwrap_or_else(|e| panic!("config: {e}"))
        .provider("smtp")
        .expect("registered")
}

/// A plain local relay on the double.
fn plain_toml(d: &SmtpDouble, extra: &str) -> String {
    format!(
        "[[email]]\nprovider = \"smtp\"\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\nfrom = \"{FROM}\"\n{extra}\n",
        d.port()
    )
}

fn outbound(recipient: &str, lang: Lang) -> Outbound {
    let verification_id = uuid::Uuid::new_v4();
    Outbound {
        verification_id,
        attempt_id: uuid::Uuid::new_v4(),
        step: 2,
        tenant_id: "default".into(),
        channel: Channel::Email,
        recipient: recipient.into(),
        sender_id: None,
        lang,
        code: "905172".into(),
        content: render(Channel::Email, lang, "Acme", "905172", None),
        sent_at: 0,
        timeout_sec: None,
        idempotency_key: format!("{verification_id}:2"),
    }
}

fn lf(s: &str) -> String {
    s.replace("\r\n", "\n")
}

#[tokio::test]
async fn a_message_arrives_with_its_envelope_headers_and_both_parts() {
    let d = SmtpDouble::start(TlsMode::None, None).await;
    let p = provider(&plain_toml(
        &d,
        "reply_to = \"Support <help@acme.example>\"",
    ));
    let msg = outbound(TO, Lang::De);
    let r = p.send(&msg).await.expect("accepted");
    assert_eq!(r.settles, Settles::OnAccept);
    assert_eq!(r.cost, None);
    assert_eq!(
        r.external_id,
        format!("<{}.2@acme.example>", msg.verification_id.simple())
    );
    let got = d.messages();
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.mail_from, "no-reply@acme.example");
    assert_eq!(m.rcpt_to, vec![TO.to_owned()]);
    assert!(!m.tls);
    assert_eq!(m.auth_user, None);
    assert_eq!(m.header("From").as_deref(), Some(FROM));
    assert_eq!(m.header("To").as_deref(), Some(TO));
    assert_eq!(
        m.header("Reply-To").as_deref(),
        Some("Support <help@acme.example>")
    );
    assert_eq!(m.header("Subject"), msg.content.subject.clone());
    assert!(
        m.header("Subject").unwrap().contains("Bestätigungscode"),
        "{:?}",
        m.header("Subject")
    );
    assert_eq!(m.header("Message-ID"), Some(r.external_id.clone()));
    assert_eq!(
        m.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    assert!(m.header("Date").is_some());
    assert!(
        m.header("Content-Type")
            .unwrap()
            .starts_with("multipart/alternative"),
        "{:?}",
        m.header("Content-Type")
    );
    assert_eq!(m.parts.len(), 2);
    let text = m.part("text/plain").expect("a text part");
    let html = m.part("text/html").expect("an HTML part");
    assert_eq!(lf(&text.body).trim_end(), lf(&msg.content.text).trim_end());
    assert_eq!(
        lf(&html.body).trim_end(),
        lf(msg.content.html.as_deref().unwrap()).trim_end()
    );
    assert!(text.body.contains("905172") && html.body.contains("905172"));
    assert!(d.problems().is_empty(), "{:?}", d.problems());
}

#[tokio::test]
async fn a_text_only_message_is_single_part_and_dots_survive() {
    let d = SmtpDouble::start(TlsMode::None, None).await;
    let p = provider(&plain_toml(&d, ""));
    let mut msg = outbound(TO, Lang::En);
    msg.content.html = None;
    msg.content.text = "Your code is 905172.\n.\n..hidden dots\nend".into();
    p.send(&msg).await.expect("accepted");
    let m = &d.messages()[0];
    assert!(m.header("Content-Type").unwrap().starts_with("text/plain"));
    assert_eq!(m.parts.len(), 1);
    assert_eq!(lf(&m.parts[0].body).trim_end(), msg.content.text);
}

#[tokio::test]
async fn starttls_with_a_private_ca_and_authentication() {
    let d = SmtpDouble::start(TlsMode::StartTls, Some(("mailer", "s3cret-pass"))).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = d.write_ca(dir.path());
    let toml = format!(
        "[[email]]\nprovider = \"smtp\"\nhost = \"localhost\"\nport = {}\nusername = \"mailer\"\npassword_env = \"SMTP_PASSWORD\"\nfrom = \"{FROM}\"\nca_file = \"{}\"\n",
        d.port(),
        ca.display()
    );
    let p = provider(&toml);
    p.send(&outbound(TO, Lang::En)).await.expect("accepted");
    let m = &d.messages()[0];
    assert!(m.tls, "the message went under TLS");
    assert_eq!(m.auth_user.as_deref(), Some("mailer"));
    let cmds = d.commands();
    let starttls = cmds.iter().position(|c| c == "STARTTLS").expect("STARTTLS");
    let auth = cmds
        .iter()
        .position(|c| c.starts_with("AUTH"))
        .expect("AUTH");
    assert!(starttls < auth, "{cmds:?}");
    assert!(cmds.iter().all(|c| !c.contains("s3cret")), "{cmds:?}");
    assert!(d.problems().is_empty(), "{:?}", d.problems());
}

#[tokio::test]
async fn implicit_tls() {
    let d = SmtpDouble::start(TlsMode::Implicit, Some(("mailer", "s3cret-pass"))).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = d.write_ca(dir.path());
    let toml = format!(
        "[[email]]\nprovider = \"smtp\"\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"tls\"\nusername = \"mailer\"\npassword = \"s3cret-pass\"\nfrom = \"{FROM}\"\nca_file = \"{}\"\n",
        d.port(),
        ca.display()
    );
    let p = provider(&toml);
    p.send(&outbound(TO, Lang::En)).await.expect("accepted");
    assert!(d.messages()[0].tls);
    assert!(!d.commands().iter().any(|c| c == "STARTTLS"));
}

#[tokio::test]
async fn an_untrusted_certificate_is_transient_and_sends_nothing() {
    let d = SmtpDouble::start(TlsMode::Implicit, None).await;
    let toml = format!(
        "[[email]]\nprovider = \"smtp\"\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"tls\"\nfrom = \"{FROM}\"\ntimeout_sec = 5\n",
        d.port()
    );
    let err = provider(&toml)
        .send(&outbound(TO, Lang::En))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SendError::Transient { message, .. } if message.contains("127.0.0.1:")),
        "{err:?}"
    );
    assert!(d.messages().is_empty());
}

#[tokio::test]
async fn a_relay_without_starttls_is_refused_when_it_is_required() {
    let d = SmtpDouble::start(TlsMode::None, None).await;
    let toml = format!(
        "[[email]]\nprovider = \"smtp\"\nhost = \"127.0.0.1\"\nport = {}\nfrom = \"{FROM}\"\n",
        d.port()
    );
    let err = provider(&toml)
        .send(&outbound(TO, Lang::En))
        .await
        .unwrap_err();
    assert!(matches!(&err, SendError::Down { .. }), "{err:?}");
    assert!(d.messages().is_empty(), "nothing goes in clear");
}

#[tokio::test]
async fn smtp_replies_are_classified() {
    let d = SmtpDouble::start(TlsMode::None, None).await;
    let p = provider(&plain_toml(&d, ""));
    d.set_behaviour_for("gone@example.org", Behaviour::no_such_mailbox());
    let err = p
        .send(&outbound("gone@example.org", Lang::En))
        .await
        .unwrap_err();
    match &err {
        SendError::Rejected { code, message } => {
            assert_eq!(code, "550");
            assert!(message.contains("User unknown"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    d.set_behaviour_for("grey@example.org", Behaviour::try_later());
    let err = p
        .send(&outbound("grey@example.org", Lang::En))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SendError::Transient { message, .. } if message.contains("451")),
        "{err:?}"
    );
    d.set_behaviour_for(
        "spam@example.org",
        Behaviour::RefuseData {
            code: 554,
            text: "5.7.1 Message rejected as spam".into(),
        },
    );
    let err = p
        .send(&outbound("spam@example.org", Lang::En))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SendError::Rejected { code, .. } if code == "554"),
        "{err:?}"
    );
    d.set_behaviour_for(
        "full@example.org",
        Behaviour::RefuseData {
            code: 452,
            text: "4.2.2 Mailbox full".into(),
        },
    );
    let err = p
        .send(&outbound("full@example.org", Lang::En))
        .await
        .unwrap_err();
    assert!(matches!(&err, SendError::Transient { .. }), "{err:?}");
    // After all that, the next message goes through.
    p.send(&outbound(TO, Lang::En)).await.expect("accepted");
    assert_eq!(d.messages().len(), 1);
    assert_eq!(d.messages()[0].rcpt_to, vec![TO.to_owned()]);

    let err = p
        .send(&outbound("not an address", Lang::En))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SendError::Rejected { code, .. } if code == "invalid-recipient"),
        "{err:?}"
    );
}

#[tokio::test]
async fn wrong_credentials_are_down() {
    let d = SmtpDouble::start(TlsMode::Implicit, Some(("mailer", "the-real-one"))).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = d.write_ca(dir.path());
    let toml = format!(
        "[[email]]\nprovider = \"smtp\"\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"tls\"\nusername = \"mailer\"\npassword_env = \"SMTP_PASSWORD\"\nfrom = \"{FROM}\"\nca_file = \"{}\"\n",
        d.port(),
        ca.display()
    );
    let err = provider(&toml)
        .send(&outbound(TO, Lang::En))
        .await
        .unwrap_err();
    match err {
        SendError::Down { message } => {
            assert!(message.contains("535"), "{message}");
            assert!(!message.contains("s3cret-pass"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_silent_or_hanging_relay_is_transient_within_the_timeout() {
    let d = SmtpDouble::start(TlsMode::None, None).await;
    d.set_silent(true);
    let p = provider(&plain_toml(&d, "timeout_sec = 1"));
    let started = Instant::now();
    let err = p.send(&outbound(TO, Lang::En)).await.unwrap_err();
    let took = started.elapsed();
    assert!(matches!(&err, SendError::Transient { .. }), "{err:?}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(3),
        "{took:?}"
    );

    let d = SmtpDouble::start(TlsMode::None, None).await;
    d.set_behaviour(Behaviour::Hang);
    let p = provider(&plain_toml(&d, "timeout_sec = 1"));
    let started = Instant::now();
    let err = p.send(&outbound(TO, Lang::En)).await.unwrap_err();
    assert!(matches!(&err, SendError::Transient { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn one_pooled_connection_carries_successive_messages() {
    let d = SmtpDouble::start(TlsMode::None, None).await;
    let p = provider(&plain_toml(&d, ""));
    for _ in 0..3 {
        p.send(&outbound(TO, Lang::En)).await.expect("accepted");
        // lettre parks a used connection from a task of its own: let it run.
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
    }
    assert_eq!(d.messages().len(), 3);
    assert_eq!(d.connections(), 1, "{:?}", d.commands());
    let ids: std::collections::HashSet<_> = d
        .messages()
        .iter()
        .map(|m| m.header("Message-ID"))
        .collect();
    assert_eq!(ids.len(), 3, "each verification has its own Message-ID");
}

fn build_err(toml: &str, vars: &[(&str, &str)]) -> String {
    match build_with(toml, &env(vars)) {
        Ok(_) => panic!("{toml} should not build"),
        Err(e) => e,
    }
}

#[test]
fn missing_and_bad_settings_are_named() {
    let base = "[[email]]\nprovider = \"smtp\"\n";
    let e = build_err(base, &[]);
    assert!(
        e.contains("email[0] (smtp)") && e.contains("host is missing"),
        "{e}"
    );
    let e = build_err(&format!("{base}host = \"smtp.example\"\n"), &[]);
    assert!(e.contains("from is missing"), "{e}");
    let e = build_err(
        &format!("{base}host = \"smtp.example\"\nfrom = \"not a mailbox\"\n"),
        &[],
    );
    assert!(e.contains("from must be a mailbox"), "{e}");
    let e = build_err(
        &format!("{base}host = \"smtp.example\"\nfrom = \"{FROM}\"\nreply_to = \"@@\"\n"),
        &[],
    );
    assert!(e.contains("reply_to"), "{e}");
    let e = build_err(
        &format!("{base}host = \"smtp.example\"\nfrom = \"{FROM}\"\nusername = \"u\"\n"),
        &[],
    );
    assert!(e.contains("username is given without password"), "{e}");
    let e = build_err(
        &format!("{base}host = \"smtp.example\"\nfrom = \"{FROM}\"\npassword = \"p\"\n"),
        &[],
    );
    assert!(e.contains("password is given without username"), "{e}");
    let e = build_err(
        &format!(
            "{base}host = \"smtp.example\"\nfrom = \"{FROM}\"\nusername = \"u\"\npassword_env = \"MAIL_PW\"\n"
        ),
        &[],
    );
    assert!(e.contains("MAIL_PW") && e.contains("not set"), "{e}");
    let e = build_err(
        &format!(
            "{base}host = \"smtp.example\"\nfrom = \"{FROM}\"\nsecurity = \"none\"\nusername = \"u\"\npassword = \"p\"\n"
        ),
        &[],
    );
    assert!(e.contains("in clear"), "{e}");
    let e = build_err(
        &format!("{base}host = \"smtp.example\"\nfrom = \"{FROM}\"\nsecurity = \"ssl\"\n"),
        &[],
    );
    assert!(e.contains("ssl"), "{e}");
    let e = build_err(
        &format!("{base}host = \"smtp://smtp.example:587\"\nfrom = \"{FROM}\"\n"),
        &[],
    );
    assert!(e.contains("host must be"), "{e}");
    let e = build_err(
        &format!(
            "{base}host = \"smtp.example\"\nfrom = \"{FROM}\"\nca_file = \"/nonexistent/ca.pem\"\n"
        ),
        &[],
    );
    assert!(e.contains("ca_file /nonexistent/ca.pem"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "hello").unwrap();
    let e = build_err(
        &format!(
            "{base}host = \"smtp.example\"\nfrom = \"{FROM}\"\nca_file = \"{}\"\n",
            junk.display()
        ),
        &[],
    );
    assert!(e.contains("no PEM certificate"), "{e}");
    let e = build_err(
        &format!("[[sms]]\nprovider = \"smtp\"\nhost = \"h\"\nfrom = \"{FROM}\"\n"),
        &[],
    );
    assert!(e.contains("does not serve sms"), "{e}");
}

#[test]
fn secrets_stay_out_of_errors_and_debug_output() {
    let s = "sMtP-pAsSwOrD-77";
    let toml = format!(
        "[[email]]\nprovider = \"smtp\"\nhost = \"smtp.example\"\nusername = \"u\"\npassword = \"{s}\"\nfrom = \"broken\"\n"
    );
    let e = build_err(&toml, &[]);
    assert!(!e.contains(s), "{e}");
    let debug = format!("{:?}", DeliveryConfig::parse(&toml).unwrap());
    assert!(!debug.contains(s), "{debug}");
}

#[test]
fn a_valid_entry_builds_outside_a_runtime() {
    // check-config builds providers without a runtime: nothing may need one yet.
    let toml = format!(
        "[[email]]\nprovider = \"smtp\"\nhost = \"smtp.example\"\nusername = \"u\"\npassword = \"p\"\nfrom = \"{FROM}\"\n"
    );
    assert!(build_with(&toml, &env(&[])).is_ok());
}
