//! Notes: what the report should explain without calling it a problem. Pure.

use super::{AuditOptions, Evidence};
use crate::card::chipmap::SecretKind;
use crate::report::{Application, Pin, PinStatus, Report, Text};

pub fn notes(report: &Report, ev: &Evidence, opts: &AuditOptions) -> Vec<Text> {
    let mut notes = Vec::new();
    for app in &report.applications {
        if !app.present {
            notes.push(Text::new(
                format!(
                    "{} ({}) AID {} did not answer SELECT (SW {}).",
                    app.name_en, app.name_ja, app.aid, app.select_sw
                ),
                format!(
                    "{}（AID {}）はSELECTに応答しませんでした（SW {}）。",
                    app.name_ja, app.aid, app.select_sw
                ),
            ));
        }
        notes.extend(app.pins.iter().filter_map(|p| pin_note(app, p, ev)));
    }
    for (app, ef, sw) in &ev.rechecked {
        let name = report
            .applications
            .iter()
            .find(|a| a.id == *app)
            .map(|a| (a.name_en.clone(), a.name_ja.clone()))
            .unwrap_or_default();
        notes.push(Text::new(
            format!(
                "{} EF {ef} read without a secret at first, then answered {sw} once the application was \
                 selected again: another program had opened it with a PIN during the audit (shown: the second answer).",
                name.0
            ),
            format!(
                "{}のEF {ef}は最初は暗証番号なしで読めましたが、アプリケーションを選択し直すと{sw}を返しました。\
                 監査中に別のプログラムが暗証番号で開いていました（表示は2回目の応答です）。",
                name.1
            ),
        ));
    }
    if opts
        .redacted_certificates
        .iter()
        .any(|r| ev.certs.contains_key(r))
    {
        notes.push(Text::new(
            "The authentication certificate's signature was not checked: this recorded fixture replaced \
             identifying bytes in it (redacted: auth-certificate), so it cannot verify.",
            "利用者証明用電子証明書の署名は確認していません。この記録ファイルは識別情報を置き換えているため\
             （redacted: auth-certificate）、署名は検証できません。",
        ));
    }
    if report
        .applications
        .iter()
        .flat_map(|a| &a.pins)
        .any(|p| p.secret == SecretKind::CardSurface)
    {
        notes.push(Text::new(
            "Retry limits of 照合番号A/B and the birth-date key are not established by public sources (10 or 3); \
             the tries shown are what the card reported.",
            "照合番号A/Bと生年月日の照合の試行回数の上限は公開資料で確定していません（10回または3回）。\
             表示している回数はカードが返した値です。",
        ));
    }
    notes
}

fn pin_note(app: &Application, p: &Pin, ev: &Evidence) -> Option<Text> {
    match p.status {
        PinStatus::BlockedAtIssue => Some(Text::new(
            format!(
                "{} EF {} answers {}: this key reference is blocked when the card is issued, on every card examined; not a problem.",
                app.name_en, p.ef, p.sw
            ),
            format!(
                "{}のEF {}は{}を返します。この鍵は調べたすべてのカードで交付時からロックされており、問題ではありません。",
                app.name_ja, p.ef, p.sw
            ),
        )),
        PinStatus::NotReported => Some(Text::new(
            format!(
                "{} EF {} answered 9000 to the retry-counter query: the card did not report a count (JICSAP leaves 9000 undefined here).",
                app.name_en, p.ef
            ),
            format!(
                "{}のEF {}は残り回数の問い合わせに9000を返しました。カードは回数を示していません（JICSAPはこの応答を定めていません）。",
                app.name_ja, p.ef
            ),
        )),
        PinStatus::Unknown => {
            let queried = !ev.unselectable_pins.contains(&(app.id, p.ef));
            let (to, to_ja) = if queried {
                ("the retry-counter query", "残り回数の問い合わせ")
            } else {
                (
                    "SELECT, so its retry counter was not queried",
                    "SELECT（そのため残り回数は問い合わせていません）",
                )
            };
            Some(Text::new(
                format!(
                    "{} EF {} answered {} ({}) to {to}; shown raw.",
                    app.name_en,
                    p.ef,
                    p.sw,
                    p.sw.meaning()
                ),
                format!(
                    "{}のEF {}は{to_ja}に{}（{}）を返しました。そのまま表示しています。",
                    app.name_ja,
                    p.ef,
                    p.sw,
                    p.sw.meaning()
                ),
            ))
        }
        _ => None,
    }
}
