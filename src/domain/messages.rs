//! What a code message says on each channel, in every supported language: the
//! translated default texts, custom templates, spoken SSML for voice calls and
//! the subject and HTML of emails. Pure text assembly; sending is elsewhere.

use crate::domain::channel::Channel;
use crate::domain::lang::Lang;

/// A message ready for one channel. Only voice has `ssml`; only email has
/// `subject` and `html`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The message body; for voice, the words spoken, digits separated.
    pub text: String,
    /// Voice only: the same words as SSML, the code spoken digit by digit.
    pub ssml: Option<String>,
    /// Email only.
    pub subject: Option<String>,
    /// Email only: a complete HTML document.
    pub html: Option<String>,
}

/// Builds the message carrying `code` for `channel`.
///
/// `template`, when it contains `{{code}}`, replaces the default text, with
/// `{{code}}` and `{{app_name}}` substituted. An empty `app_name` switches to
/// wording that names no app.
pub fn render(
    channel: Channel,
    lang: Lang,
    app_name: &str,
    code: &str,
    template: Option<&str>,
) -> Rendered {
    let app = clean_app_name(app_name);
    let texts = texts(lang);
    // A message without the code is worthless to its reader, so a template
    // that lost its placeholder yields to the default rather than being sent.
    let body = match template.filter(|t| t.contains(TEMPLATE.code)) {
        Some(t) => Body::Template(t),
        None => Body::Default(texts),
    };
    let text_only = |text| Rendered {
        text,
        ssml: None,
        subject: None,
        html: None,
    };
    match channel {
        Channel::Telegram | Channel::Sms | Channel::Whatsapp => {
            text_only(body.plain(&app, code, " "))
        }
        Channel::Voice => Rendered {
            text: spoken_text(&body, texts, &app, code),
            ssml: Some(spoken_ssml(&body, texts, &app, code)),
            subject: None,
            html: None,
        },
        Channel::Email => {
            let subject = texts.subject(&app);
            Rendered {
                text: body.plain(&app, code, "\n\n"),
                html: Some(email_html(&body, texts, &subject, &app, code)),
                subject: Some(subject),
                ssml: None,
            }
        }
    }
}

/// One language's default wording. `{app}` and `{code}` mark where the app
/// name and the code go; the `*_plain` variants are for an empty app name.
struct Texts {
    /// BCP 47 tag for SSML `xml:lang` and HTML `lang`.
    tag: &'static str,
    line: &'static str,
    line_plain: &'static str,
    /// Follows `line` in written messages; voice leaves it out to keep the
    /// call short and centred on the digits.
    warning: &'static str,
    subject: &'static str,
    subject_plain: &'static str,
    /// Spoken before the code is read a second time.
    repeat: &'static str,
}

// Register follows local habit for service messages: formal where apps
// address users formally (DE, FR, PT, CS, SK, HR, TR, RU, BG, UK), informal
// elsewhere. App names are placed where they need no inflection (apposition,
// or after a preposition that governs a fixed noun), since they are inserted
// verbatim.
fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &Texts {
            tag: "en-US",
            line: "Your {app} verification code is {code}.",
            line_plain: "Your verification code is {code}.",
            warning: "It expires soon; never share it with anyone.",
            subject: "Your {app} verification code",
            subject_plain: "Your verification code",
            repeat: "I repeat:",
        },
        Lang::De => &Texts {
            tag: "de-DE",
            line: "Ihr Bestätigungscode für {app} lautet {code}.",
            line_plain: "Ihr Bestätigungscode lautet {code}.",
            warning: "Er läuft bald ab. Geben Sie ihn niemals weiter.",
            subject: "Ihr Bestätigungscode für {app}",
            subject_plain: "Ihr Bestätigungscode",
            repeat: "Ich wiederhole:",
        },
        Lang::Fr => &Texts {
            tag: "fr-FR",
            line: "Votre code de vérification {app} est {code}.",
            line_plain: "Votre code de vérification est {code}.",
            warning: "Il expire sous peu. Ne le communiquez à personne.",
            subject: "Votre code de vérification {app}",
            subject_plain: "Votre code de vérification",
            repeat: "Je répète :",
        },
        Lang::It => &Texts {
            tag: "it-IT",
            line: "Il tuo codice di verifica {app} è {code}.",
            line_plain: "Il tuo codice di verifica è {code}.",
            warning: "Scade a breve: non condividerlo con nessuno.",
            subject: "Il tuo codice di verifica {app}",
            subject_plain: "Il tuo codice di verifica",
            repeat: "Ripeto:",
        },
        Lang::Es => &Texts {
            tag: "es-ES",
            line: "Tu código de verificación de {app} es {code}.",
            line_plain: "Tu código de verificación es {code}.",
            warning: "Caduca pronto; no lo compartas con nadie.",
            subject: "Tu código de verificación de {app}",
            subject_plain: "Tu código de verificación",
            repeat: "Repito:",
        },
        Lang::Pl => &Texts {
            tag: "pl-PL",
            line: "Twój kod weryfikacyjny {app} to {code}.",
            line_plain: "Twój kod weryfikacyjny to {code}.",
            warning: "Wkrótce wygaśnie. Nikomu go nie udostępniaj.",
            subject: "Twój kod weryfikacyjny {app}",
            subject_plain: "Twój kod weryfikacyjny",
            repeat: "Powtarzam:",
        },
        Lang::Nl => &Texts {
            tag: "nl-NL",
            line: "Je verificatiecode voor {app} is {code}.",
            line_plain: "Je verificatiecode is {code}.",
            warning: "Deze code verloopt binnenkort. Deel hem met niemand.",
            subject: "Je verificatiecode voor {app}",
            subject_plain: "Je verificatiecode",
            repeat: "Ik herhaal:",
        },
        Lang::Ro => &Texts {
            tag: "ro-RO",
            line: "Codul tău de verificare pentru {app} este {code}.",
            line_plain: "Codul tău de verificare este {code}.",
            warning: "Expiră în curând. Nu-l comunica nimănui.",
            subject: "Codul tău de verificare pentru {app}",
            subject_plain: "Codul tău de verificare",
            repeat: "Repet:",
        },
        Lang::Pt => &Texts {
            tag: "pt-PT",
            line: "O seu código de verificação {app} é {code}.",
            line_plain: "O seu código de verificação é {code}.",
            warning: "Expira em breve; não o partilhe com ninguém.",
            subject: "O seu código de verificação {app}",
            subject_plain: "O seu código de verificação",
            repeat: "Repito:",
        },
        Lang::Cs => &Texts {
            tag: "cs-CZ",
            line: "Váš ověřovací kód {app} je {code}.",
            line_plain: "Váš ověřovací kód je {code}.",
            warning: "Brzy vyprší. Nikomu ho nesdělujte.",
            subject: "Váš ověřovací kód {app}",
            subject_plain: "Váš ověřovací kód",
            repeat: "Opakuji:",
        },
        // Label style: "a" vs "az" before the app name depends on how the
        // name is pronounced, which a table cannot know.
        Lang::Hu => &Texts {
            tag: "hu-HU",
            line: "{app} ellenőrző kód: {code}.",
            line_plain: "Ellenőrző kód: {code}.",
            warning: "Hamarosan lejár, ne add ki senkinek.",
            subject: "{app} ellenőrző kód",
            subject_plain: "Ellenőrző kód",
            repeat: "Még egyszer:",
        },
        Lang::Sv => &Texts {
            tag: "sv-SE",
            line: "Din verifieringskod för {app} är {code}.",
            line_plain: "Din verifieringskod är {code}.",
            warning: "Den går snart ut. Dela den aldrig med någon.",
            subject: "Din verifieringskod för {app}",
            subject_plain: "Din verifieringskod",
            repeat: "Jag upprepar:",
        },
        Lang::Da => &Texts {
            tag: "da-DK",
            line: "Din bekræftelseskode til {app} er {code}.",
            line_plain: "Din bekræftelseskode er {code}.",
            warning: "Den udløber snart. Del den aldrig med nogen.",
            subject: "Din bekræftelseskode til {app}",
            subject_plain: "Din bekræftelseskode",
            repeat: "Jeg gentager:",
        },
        // "palveluun" carries the case ending so the app name stays as given.
        Lang::Fi => &Texts {
            tag: "fi-FI",
            line: "Vahvistuskoodisi palveluun {app} on {code}.",
            line_plain: "Vahvistuskoodisi on {code}.",
            warning: "Se vanhenee pian. Älä kerro sitä kenellekään.",
            subject: "Vahvistuskoodisi palveluun {app}",
            subject_plain: "Vahvistuskoodisi",
            repeat: "Toistan:",
        },
        Lang::Sk => &Texts {
            tag: "sk-SK",
            line: "Váš overovací kód {app} je {code}.",
            line_plain: "Váš overovací kód je {code}.",
            warning: "Čoskoro vyprší. Nikomu ho neprezrádzajte.",
            subject: "Váš overovací kód {app}",
            subject_plain: "Váš overovací kód",
            repeat: "Opakujem:",
        },
        Lang::Hr => &Texts {
            tag: "hr-HR",
            line: "Vaš verifikacijski kod za {app} je {code}.",
            line_plain: "Vaš verifikacijski kod je {code}.",
            warning: "Uskoro istječe. Nikome ga ne otkrivajte.",
            subject: "Vaš verifikacijski kod za {app}",
            subject_plain: "Vaš verifikacijski kod",
            repeat: "Ponavljam:",
        },
        Lang::Tr => &Texts {
            tag: "tr-TR",
            line: "{app} doğrulama kodunuz: {code}.",
            line_plain: "Doğrulama kodunuz: {code}.",
            warning: "Süresi yakında dolacak, kimseyle paylaşmayın.",
            subject: "{app} doğrulama kodunuz",
            subject_plain: "Doğrulama kodunuz",
            repeat: "Tekrar ediyorum:",
        },
        Lang::Ru => &Texts {
            tag: "ru-RU",
            line: "Ваш код подтверждения {app}: {code}.",
            line_plain: "Ваш код подтверждения: {code}.",
            warning: "Код действует недолго. Никому его не сообщайте.",
            subject: "Ваш код подтверждения {app}",
            subject_plain: "Ваш код подтверждения",
            repeat: "Повторяю:",
        },
        Lang::Bg => &Texts {
            tag: "bg-BG",
            line: "Вашият код за потвърждение в {app} е {code}.",
            line_plain: "Вашият код за потвърждение е {code}.",
            warning: "Кодът скоро изтича. Не го споделяйте с никого.",
            subject: "Вашият код за потвърждение в {app}",
            subject_plain: "Вашият код за потвърждение",
            repeat: "Повтарям:",
        },
        Lang::Uk => &Texts {
            tag: "uk-UA",
            line: "Ваш код підтвердження {app}: {code}.",
            line_plain: "Ваш код підтвердження: {code}.",
            warning: "Код діє недовго. Нікому його не повідомляйте.",
            subject: "Ваш код підтвердження {app}",
            subject_plain: "Ваш код підтвердження",
            repeat: "Повторюю:",
        },
    }
}

impl Texts {
    fn line(&self, app: &str) -> &'static str {
        if app.is_empty() {
            self.line_plain
        } else {
            self.line
        }
    }

    fn subject(&self, app: &str) -> String {
        let tpl = if app.is_empty() {
            self.subject_plain
        } else {
            self.subject
        };
        fill(tpl, &DEFAULT, app, push_plain, |_| {})
    }
}

/// Placeholder spellings: the translation table uses single braces, caller
/// templates the documented double-brace form.
struct Marks {
    app: &'static str,
    code: &'static str,
}

const DEFAULT: Marks = Marks {
    app: "{app}",
    code: "{code}",
};

const TEMPLATE: Marks = Marks {
    app: "{{app_name}}",
    code: "{{code}}",
};

/// The wording a message is built from, before the channel shapes it.
enum Body<'a> {
    Default(&'static Texts),
    Template(&'a str),
}

impl Body<'_> {
    /// The code sentence in `texts` or the whole template.
    fn wording(&self, app: &str) -> (&str, &'static Marks) {
        match self {
            Body::Default(texts) => (texts.line(app), &DEFAULT),
            Body::Template(t) => (t, &TEMPLATE),
        }
    }

    /// Plain text; a default text gets its warning after `sep`.
    fn plain(&self, app: &str, code: &str, sep: &str) -> String {
        let (tpl, marks) = self.wording(app);
        let mut out = fill(tpl, marks, app, push_plain, |out| out.push_str(code));
        if let Body::Default(texts) = self {
            out.push_str(sep);
            out.push_str(texts.warning);
        }
        out
    }
}

/// Copies `tpl`, passing literal text and the app name through `text` and
/// letting `code` write each code placeholder. One pass, so placeholder-like
/// text inside the app name is never expanded.
fn fill(
    tpl: &str,
    marks: &Marks,
    app: &str,
    mut text: impl FnMut(&mut String, &str),
    mut code: impl FnMut(&mut String),
) -> String {
    let mut out = String::with_capacity(tpl.len() + app.len() + 32);
    let mut rest = tpl;
    while let Some(at) = rest.find('{') {
        let (before, tail) = rest.split_at(at);
        text(&mut out, before);
        if let Some(after) = tail.strip_prefix(marks.code) {
            code(&mut out);
            rest = after;
        } else if let Some(after) = tail.strip_prefix(marks.app) {
            text(&mut out, app);
            rest = after;
        } else {
            text(&mut out, "{");
            rest = &tail[1..];
        }
    }
    text(&mut out, rest);
    out
}

/// App names end up in email subjects and SMS, where a stray line break could
/// split a header or a message; nothing legitimate needs control characters.
fn clean_app_name(app_name: &str) -> String {
    let spaced: String = app_name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn push_plain(out: &mut String, s: &str) {
    out.push_str(s);
}

/// The characters of the code a listener must hear one by one. Whitespace is
/// formatting, and characters XML cannot carry could not be spoken anyway.
fn code_chars(code: &str) -> impl Iterator<Item = char> + '_ {
    code.chars()
        .filter(|c| !c.is_whitespace() && is_xml_char(*c))
}

/// Digits separated by commas, so text-to-speech engines without SSML read
/// them one at a time instead of as a large number.
fn push_spoken_code(out: &mut String, code: &str) {
    for (i, c) in code_chars(code).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push(c);
    }
}

fn spoken_text(body: &Body, texts: &Texts, app: &str, code: &str) -> String {
    let (tpl, marks) = body.wording(app);
    let mut out = fill(tpl, marks, app, push_plain, |out| {
        push_spoken_code(out, code)
    });
    end_sentence(&mut out);
    out.push(' ');
    out.push_str(texts.repeat);
    out.push(' ');
    push_spoken_code(&mut out, code);
    out.push('.');
    out
}

/// Templates may stop mid-sentence; the repeat phrase must not run on.
fn end_sentence(out: &mut String) {
    let kept = out.trim_end().len();
    out.truncate(kept);
    if !out.ends_with(['.', '!', '?', '…', ':', ';']) {
        out.push('.');
    }
}

fn push_ssml_code(out: &mut String, code: &str) {
    out.push_str(r#"<break time="300ms"/>"#);
    for (i, c) in code_chars(code).enumerate() {
        if i > 0 {
            out.push_str(r#"<break time="400ms"/>"#);
        }
        out.push_str(r#"<say-as interpret-as="characters">"#);
        push_escaped(out, c.encode_utf8(&mut [0; 4]), false);
        out.push_str("</say-as>");
    }
    out.push_str(r#"<break time="300ms"/>"#);
}

fn spoken_ssml(body: &Body, texts: &Texts, app: &str, code: &str) -> String {
    let (tpl, marks) = body.wording(app);
    let mut out = String::new();
    out.push_str(r#"<speak xml:lang=""#);
    out.push_str(texts.tag);
    out.push_str(r#"">"#);
    out.push_str(&fill(tpl, marks, app, push_ssml_text, |out| {
        push_ssml_code(out, code)
    }));
    out.push_str(r#"<break time="800ms"/>"#);
    push_ssml_text(&mut out, texts.repeat);
    out.push(' ');
    push_ssml_code(&mut out, code);
    out.push_str("</speak>");
    out
}

fn push_ssml_text(out: &mut String, s: &str) {
    push_escaped(out, s, false);
}

fn push_html_text(out: &mut String, s: &str) {
    push_escaped(out, s, true);
}

/// Escapes for XML and HTML alike. Characters XML 1.0 forbids are dropped so
/// a speech engine's parser never rejects the document; with `line_breaks`,
/// newlines become `<br>` so a template keeps its layout in HTML.
fn push_escaped(out: &mut String, s: &str, line_breaks: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' if line_breaks => out.push_str("<br>\n"),
            '\r' if line_breaks => {}
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

const MONO: &str = "font-family:Menlo,Consolas,'Courier New',monospace;font-weight:bold";

fn email_html(body: &Body, texts: &Texts, subject: &str, app: &str, code: &str) -> String {
    let mut content = String::new();
    match body {
        Body::Default(_) => {
            content.push_str(r#"<h1 style="margin:0 0 16px;font-size:20px">"#);
            push_html_text(&mut content, subject);
            content.push_str("</h1>\n");
            content.push_str(&format!(
                r#"<p style="margin:0 0 16px;font-size:36px;letter-spacing:8px;{MONO}">"#
            ));
            push_html_text(&mut content, code);
            content.push_str("</p>\n");
            content.push_str(r#"<p style="margin:0;font-size:14px;color:#52525b">"#);
            push_html_text(&mut content, texts.warning);
            content.push_str("</p>\n");
        }
        Body::Template(tpl) => {
            content.push_str(r#"<p style="margin:0;font-size:16px;line-height:1.5">"#);
            content.push_str(&fill(tpl, &TEMPLATE, app, push_html_text, |out| {
                out.push_str(&format!(
                    r#"<span style="font-size:24px;letter-spacing:4px;{MONO}">"#
                ));
                push_html_text(out, code);
                out.push_str("</span>");
            }));
            content.push_str("</p>\n");
        }
    }
    let mut title = String::new();
    push_html_text(&mut title, subject);
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
</head>
<body style="margin:0;padding:24px;background:#f4f4f5;color:#18181b;font-family:Helvetica,Arial,sans-serif">
<div style="max-width:480px;margin:0 auto;padding:32px;background:#ffffff;border-radius:8px">
{content}</div>
</body>
</html>
"#,
        lang = texts.tag,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "Acme";
    const CODE: &str = "482916";

    fn sms(lang: Lang, app: &str) -> String {
        render(Channel::Sms, lang, app, CODE, None).text
    }

    /// The characters spoken by each `<say-as>` element, in order.
    fn said(ssml: &str) -> String {
        const OPEN: &str = r#"<say-as interpret-as="characters">"#;
        ssml.split(OPEN)
            .skip(1)
            .map(|rest| rest.split("</say-as>").next().unwrap_or_default())
            .collect::<Vec<_>>()
            .concat()
    }

    /// A small well-formedness check: every tag is one we emit, opening and
    /// closing tags nest, attribute quotes pair up, and `&` only starts the
    /// entities we write. Enough to prove that input never leaks into markup.
    fn assert_markup(doc: &str, allowed: &[&str]) {
        const VOID: [&str; 4] = ["!doctype", "meta", "br", "break"];
        const ENTITIES: [&str; 5] = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"];
        let mut open: Vec<String> = Vec::new();
        let mut rest = doc;
        while let Some(at) = rest.find(['<', '>', '&']) {
            let tail = &rest[at..];
            if let Some(after) = tail.strip_prefix('&') {
                assert!(
                    ENTITIES.iter().any(|e| tail.starts_with(e)),
                    "bare & in {doc}"
                );
                rest = after;
                continue;
            }
            assert!(tail.starts_with('<'), "stray > in {doc}");
            let end = tail.find('>').expect("unclosed tag");
            let inner = &tail[1..end];
            assert_eq!(inner.matches('"').count() % 2, 0, "quotes in <{inner}>");
            let closing = inner.starts_with('/');
            let name = inner
                .trim_start_matches('/')
                .split([' ', '/'])
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            assert!(allowed.contains(&name.as_str()), "tag <{inner}> in {doc}");
            if closing {
                assert_eq!(open.pop().as_deref(), Some(name.as_str()), "in {doc}");
            } else if !VOID.contains(&name.as_str()) && !inner.ends_with('/') {
                open.push(name);
            }
            rest = &tail[end + 1..];
        }
        assert!(open.is_empty(), "unclosed {open:?} in {doc}");
    }

    const SSML_TAGS: &[&str] = &["speak", "say-as", "break"];
    const HTML_TAGS: &[&str] = &[
        "!doctype", "html", "head", "meta", "title", "body", "div", "h1", "p", "span", "br",
    ];

    #[test]
    fn every_language_renders_every_channel() {
        for lang in Lang::ALL {
            for channel in Channel::ALL {
                let r = render(channel, lang, APP, CODE, None);
                let ctx = format!("{lang:?} {channel}");
                assert!(r.text.contains(APP), "{ctx}: {}", r.text);
                assert!(!r.text.contains('{'), "{ctx}: {}", r.text);
                assert_eq!(r.ssml.is_some(), channel == Channel::Voice, "{ctx}");
                assert_eq!(r.subject.is_some(), channel == Channel::Email, "{ctx}");
                assert_eq!(r.html.is_some(), channel == Channel::Email, "{ctx}");
                if channel == Channel::Voice {
                    assert_eq!(r.text.matches("4, 8, 2, 9, 1, 6").count(), 2, "{ctx}");
                    assert!(r.text.contains(texts(lang).repeat), "{ctx}");
                } else {
                    assert!(r.text.contains(CODE), "{ctx}: {}", r.text);
                }
                if let Some(ssml) = &r.ssml {
                    let open = format!(r#"<speak xml:lang="{}">"#, texts(lang).tag);
                    assert!(ssml.starts_with(&open), "{ctx}: {ssml}");
                    assert!(ssml.ends_with("</speak>"), "{ctx}");
                    assert!(ssml.contains(APP), "{ctx}");
                    assert_markup(ssml, SSML_TAGS);
                }
                if let (Some(subject), Some(html)) = (&r.subject, &r.html) {
                    assert!(subject.contains(APP), "{ctx}: {subject}");
                    assert!(html.contains(APP) && html.contains(CODE), "{ctx}");
                    let lang_attr = format!(r#"<html lang="{}">"#, texts(lang).tag);
                    assert!(html.contains(&lang_attr), "{ctx}");
                    assert!(html.contains(texts(lang).warning), "{ctx}");
                    assert_markup(html, HTML_TAGS);
                }
            }
        }
    }

    #[test]
    fn messaging_channels_share_the_text() {
        for lang in Lang::ALL {
            let sms = sms(lang, APP);
            for channel in [Channel::Telegram, Channel::Whatsapp] {
                assert_eq!(render(channel, lang, APP, CODE, None).text, sms);
            }
        }
    }

    #[test]
    fn every_language_is_translated() {
        let en = sms(Lang::En, APP);
        for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
            assert_ne!(sms(lang, APP), en, "{lang:?}");
            assert_ne!(sms(lang, ""), sms(Lang::En, ""), "{lang:?}");
        }
        for (i, a) in Lang::ALL.iter().enumerate() {
            for b in &Lang::ALL[i + 1..] {
                assert_ne!(sms(*a, APP), sms(*b, APP), "{a:?} = {b:?}");
                let (ta, tb) = (texts(*a), texts(*b));
                assert_ne!(ta.subject, tb.subject, "{a:?} = {b:?}");
                assert_ne!(ta.warning, tb.warning, "{a:?} = {b:?}");
            }
        }
    }

    #[test]
    fn translation_table_is_consistent() {
        for lang in Lang::ALL {
            let t = texts(lang);
            let ctx = format!("{lang:?}");
            assert!(t.tag.starts_with(&lang.code().to_lowercase()), "{ctx}");
            assert_eq!(t.line.matches("{app}").count(), 1, "{ctx}");
            assert_eq!(t.line.matches("{code}").count(), 1, "{ctx}");
            assert_eq!(t.line_plain.matches("{code}").count(), 1, "{ctx}");
            assert_eq!(t.subject.matches("{app}").count(), 1, "{ctx}");
            for s in [t.line_plain, t.subject_plain, t.warning, t.repeat] {
                assert!(!s.contains("{app}"), "{ctx}: {s}");
            }
            for s in [t.subject, t.subject_plain, t.warning, t.repeat] {
                assert!(!s.contains("{code}") && !s.trim().is_empty(), "{ctx}: {s}");
            }
        }
    }

    #[test]
    fn empty_app_name_uses_neutral_wording() {
        for lang in Lang::ALL {
            for channel in Channel::ALL {
                let neutral = render(channel, lang, "", CODE, None);
                assert_eq!(render(channel, lang, " \n\t", CODE, None), neutral);
                let named = render(channel, lang, APP, CODE, None);
                assert_ne!(neutral.text, named.text, "{lang:?} {channel}");
                for s in [Some(&neutral.text), neutral.subject.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    assert!(!s.contains("  ") && !s.contains(" ."), "{lang:?}: {s}");
                    assert!(!s.starts_with([' ', ':', '-']), "{lang:?}: {s}");
                }
            }
            assert!(sms(lang, "").contains(CODE));
        }
    }

    #[test]
    fn voice_speaks_each_digit_separately_twice() {
        for lang in Lang::ALL {
            let r = render(Channel::Voice, lang, APP, CODE, None);
            let ssml = r.ssml.unwrap_or_default();
            assert_eq!(said(&ssml), format!("{CODE}{CODE}"), "{lang:?}");
            assert!(!ssml.contains(CODE), "{lang:?}: code read as a number");
            let repeat_at = ssml.find(texts(lang).repeat).expect("repeat phrase");
            assert_eq!(said(&ssml[repeat_at..]), CODE, "{lang:?}");
        }
        let de = render(Channel::Voice, Lang::De, APP, "12", None);
        assert_eq!(
            de.text,
            "Ihr Bestätigungscode für Acme lautet 1, 2. Ich wiederhole: 1, 2."
        );
        assert_eq!(
            de.ssml.as_deref(),
            Some(concat!(
                r#"<speak xml:lang="de-DE">Ihr Bestätigungscode für Acme lautet "#,
                r#"<break time="300ms"/><say-as interpret-as="characters">1</say-as>"#,
                r#"<break time="400ms"/><say-as interpret-as="characters">2</say-as>"#,
                r#"<break time="300ms"/>.<break time="800ms"/>Ich wiederhole: "#,
                r#"<break time="300ms"/><say-as interpret-as="characters">1</say-as>"#,
                r#"<break time="400ms"/><say-as interpret-as="characters">2</say-as>"#,
                r#"<break time="300ms"/></speak>"#,
            ))
        );
    }

    #[test]
    fn markup_escapes_the_app_name() {
        let app = r#"<b>"Tom's" & co</b>"#;
        let escaped = "&lt;b&gt;&quot;Tom&#39;s&quot; &amp; co&lt;/b&gt;";
        for lang in Lang::ALL {
            let voice = render(Channel::Voice, lang, app, CODE, None);
            let ssml = voice.ssml.unwrap_or_default();
            assert!(ssml.contains(escaped) && !ssml.contains("<b>"), "{ssml}");
            assert_markup(&ssml, SSML_TAGS);
            assert!(voice.text.contains(app));

            let email = render(Channel::Email, lang, app, CODE, None);
            let html = email.html.unwrap_or_default();
            assert!(html.contains(escaped) && !html.contains("<b>"), "{html}");
            assert_markup(&html, HTML_TAGS);
            assert!(email.subject.unwrap_or_default().contains(app));
            assert!(email.text.contains(app));

            assert!(sms(lang, app).contains(app));
        }
    }

    #[test]
    fn control_characters_never_reach_a_subject() {
        let r = render(Channel::Email, Lang::En, "Acme\r\nBcc: x@y", CODE, None);
        assert_eq!(
            r.subject.as_deref(),
            Some("Your Acme Bcc: x@y verification code")
        );
    }

    #[test]
    fn templates_replace_the_default_text() {
        let tpl = "{{app_name}}: use {{code}}. Again: {{code}}";
        let sms = render(Channel::Sms, Lang::Fr, APP, CODE, Some(tpl));
        assert_eq!(sms.text, "Acme: use 482916. Again: 482916");

        // The app name is substituted once, never scanned for placeholders.
        let tricky = render(Channel::Telegram, Lang::En, "{{code}}", "1", Some(tpl));
        assert_eq!(tricky.text, "{{code}}: use 1. Again: 1");
        let braces = render(Channel::Sms, Lang::En, APP, "1", Some("{{{code}}} {x} {"));
        assert_eq!(braces.text, "{1} {x} {");
    }

    #[test]
    fn voice_templates_spell_the_code_in_place_and_repeat_it() {
        let tpl = "Hello from {{app_name}}, your code is {{code}}";
        let r = render(Channel::Voice, Lang::It, "A&B", "907", Some(tpl));
        assert_eq!(
            r.text,
            "Hello from A&B, your code is 9, 0, 7. Ripeto: 9, 0, 7."
        );
        let ssml = r.ssml.unwrap_or_default();
        assert!(
            ssml.starts_with(r#"<speak xml:lang="it-IT">Hello from A&amp;B, your code is <break"#)
        );
        assert_eq!(said(&ssml), "907907");
        let repeat_at = ssml.find("Ripeto:").expect("repeat phrase");
        assert_eq!(said(&ssml[..repeat_at]), "907");
        assert_markup(&ssml, SSML_TAGS);
    }

    #[test]
    fn email_templates_keep_the_translated_subject() {
        let tpl = "Hi <friend>,\nyour {{app_name}} code: {{code}}";
        let r = render(Channel::Email, Lang::Sv, "Acme & Co", CODE, Some(tpl));
        assert_eq!(r.text, "Hi <friend>,\nyour Acme & Co code: 482916");
        assert_eq!(
            r.subject.as_deref(),
            Some("Din verifieringskod för Acme & Co")
        );
        let html = r.html.unwrap_or_default();
        assert!(html.contains("Hi &lt;friend&gt;,<br>\nyour Acme &amp; Co code: <span"));
        assert!(html.contains(">482916</span>"));
        assert!(html.contains("<title>Din verifieringskod för Acme &amp; Co</title>"));
        assert_markup(&html, HTML_TAGS);
    }

    #[test]
    fn a_template_without_the_code_falls_back_to_the_default() {
        for channel in Channel::ALL {
            let default = render(channel, Lang::Pl, APP, CODE, None);
            for tpl in ["", "no code here {{app_name}}", "{{ code }}"] {
                assert_eq!(render(channel, Lang::Pl, APP, CODE, Some(tpl)), default);
            }
        }
    }

    #[test]
    fn odd_input_never_panics_or_breaks_markup() {
        let apps = [
            "",
            " ",
            "Ä€𝄞",
            "<>&\"'",
            "\u{0}\u{1b}\u{FFFF}",
            "{app}{code}{{code}}",
            "{",
        ];
        let codes = ["", "1", "0000", "12345678", " 12 34 ", "<&>", "\u{0}٣४"];
        let templates = [
            None,
            Some("{{code}}"),
            Some("{{app_name}}{{code}}{{app_name}}"),
            Some("\u{0}<x>&{{code}}\r\n{{"),
            Some("{{code}}{"),
        ];
        for lang in Lang::ALL {
            for channel in Channel::ALL {
                for app in apps {
                    for code in codes {
                        for tpl in templates {
                            let r = render(channel, lang, app, code, tpl);
                            if let Some(ssml) = &r.ssml {
                                assert_markup(ssml, SSML_TAGS);
                            }
                            if let Some(html) = &r.html {
                                assert_markup(html, HTML_TAGS);
                            }
                            if let Some(subject) = &r.subject {
                                assert!(!subject.contains(['\r', '\n']));
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn english_sms_fits_one_segment() {
        // 160 GSM-7 characters; the whole English text is within that alphabet.
        let text = sms(Lang::En, "Acme Online Banking");
        assert!(text.is_ascii() && text.len() <= 160, "{}", text.len());
    }
}
