//! Doctor's sentences: every line the checklist shows a holder, written once with its English
//! and Japanese side by side. A function per message takes the message's arguments and
//! returns a [`Text`], so both halves exist or the crate does not build; the renderer picks
//! the language ([`super::render_text`]). The tables keep their own sentences as [`Phrase`]s
//! beside their rows (`readers/table.rs`, `atr/tables.rs`, `atr/known.rs`,
//! `service/table.rs`); the check names are in [`super::CHECKS`].
//!
//! Words from outside — a reader name, a PC/SC error text, an answer of the card — are
//! arguments: shown as they came, inside the translated sentence, never translated. The
//! renderer passes every line through the one sanitizer ([`crate::sanitize`]).

use serde::Serialize;

use crate::lang::{Text, is_japanese};

/// A sentence without arguments, English and Japanese side by side, for the static tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phrase {
    pub en: &'static str,
    pub ja: &'static str,
}

impl Phrase {
    pub const fn new(en: &'static str, ja: &'static str) -> Phrase {
        Phrase { en, ja }
    }

    pub fn text(self) -> Text {
        Text::new(self.en, self.ja)
    }
}

/// JSON (schema 1) carries the English, as before.
impl Serialize for Phrase {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.en)
    }
}

/// Japanese names doctor's English sentences show as they are: the name of the JPKI client
/// software (JPKI 利用者クライアントソフト) and the Basic Resident Registration Card
/// (住基カード), beside the crate's [`crate::lang::OFFICIAL_NAMES`].
pub const OFFICIAL_NAMES: &[&str] = &["利用者クライアントソフト", "住基カード"];

/// Columns a string takes on a terminal: Japanese script two, everything else one.
pub fn width(s: &str) -> usize {
    s.chars().map(|c| if is_japanese(c) { 2 } else { 1 }).sum()
}

/// `s` padded with spaces to `w` columns.
pub fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// A list of reader names, quoted as each language quotes: `"a", "b"` and `「a」、「b」`.
pub fn reader_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Text {
    let names: Vec<&str> = names.into_iter().collect();
    Text::new(
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", "),
        names
            .iter()
            .map(|n| format!("「{n}」"))
            .collect::<Vec<_>>()
            .join("、"),
    )
}

/// Joins texts half by half: `, ` between English items, `、` between Japanese ones.
pub fn join(items: &[Text]) -> Text {
    Text::new(
        items
            .iter()
            .map(|t| t.en.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        items
            .iter()
            .map(|t| t.ja.as_str())
            .collect::<Vec<_>>()
            .join("、"),
    )
}

/// Why a check was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    ServiceUnreachable,
    NotReached,
    NoReader,
    NoReaderChosen,
    NoCard,
    NoConnection,
    NotMyNumberCard,
    RoundTripsZero,
    LostDuringLink,
    ProbeFileNotSelected,
    CardLost,
    /// The read-only guard refused the extended probe (`probe` in hex, the guard's reason).
    GuardRefused {
        probe: String,
        reason: String,
    },
}

impl Skip {
    /// Every reason, for the tests (the arguments are examples).
    pub fn all() -> Vec<Skip> {
        vec![
            Skip::ServiceUnreachable,
            Skip::NotReached,
            Skip::NoReader,
            Skip::NoReaderChosen,
            Skip::NoCard,
            Skip::NoConnection,
            Skip::NotMyNumberCard,
            Skip::RoundTripsZero,
            Skip::LostDuringLink,
            Skip::ProbeFileNotSelected,
            Skip::CardLost,
            Skip::GuardRefused {
                probe: "00 B0 00 00 00 02 00".into(),
                reason: "x".into(),
            },
        ]
    }

    fn why(&self) -> Text {
        let p = |en, ja| Text::new(en, ja);
        match self {
            Skip::ServiceUnreachable => p(
                "the PC/SC service is not reachable",
                "PC/SC サービスに接続できません",
            ),
            Skip::NotReached => p("not reached", "ここまで進みませんでした"),
            Skip::NoReader => p("no reader", "リーダーがありません"),
            Skip::NoReaderChosen => p("no reader chosen", "リーダーが選ばれていません"),
            Skip::NoCard => p("no card", "カードがありません"),
            Skip::NoConnection => p("no connection to the card", "カードに接続できません"),
            Skip::NotMyNumberCard => p(
                "not identified as a My Number Card",
                "マイナンバーカードと確認できませんでした",
            ),
            Skip::RoundTripsZero => p("--round-trips 0", "--round-trips 0 が指定されました"),
            Skip::LostDuringLink => p(
                "the card was lost during the link probe",
                "通信品質の測定中にカードが離れました",
            ),
            Skip::ProbeFileNotSelected => p(
                "the probe file could not be selected",
                "測定用のファイルを選択できませんでした",
            ),
            Skip::CardLost => p("the card was lost", "カードが離れました"),
            Skip::GuardRefused { probe, reason } => Text::new(
                format!(
                    "the read-only guard does not let the extended READ BINARY ({probe}) through: {reason}"
                ),
                format!(
                    "読み取り専用ガードが拡張長の READ BINARY（{probe}）を通しません: {reason}"
                ),
            ),
        }
    }

    /// The skipped check's summary: `skipped: <why>`.
    pub fn summary(&self) -> Text {
        let why = self.why();
        Text::new(format!("skipped: {}", why.en), format!("省略: {}", why.ja))
    }
}

// ---- 1. service ----

pub const SERVICE_OK: Phrase =
    Phrase::new("the PC/SC service answered", "PC/SC サービスが応答しました");

// ---- 2. readers ----

pub fn no_reader_listed() -> Text {
    Text::new(
        "no reader is listed by the PC/SC service",
        "PC/SC サービスにリーダーが1台も登録されていません",
    )
}

/// `error` is the transport's text: data.
pub fn listing_readers_failed(error: &str) -> Text {
    Text::new(
        format!("listing readers failed: {error}"),
        format!("リーダーの一覧を取得できませんでした: {error}"),
    )
}

pub const NO_READER_FIX: Phrase = Phrase::new(
    "plug in a PC/SC reader that supports ISO 14443 Type B (contactless) or a contact reader; \
     a reader that is plugged in but not listed has no driver (see the lines above)",
    "ISO 14443 Type B に対応した PC/SC リーダー（非接触）か接触型リーダーを接続してください。\
     接続しているのに一覧に出ないリーダーにはドライバーがありません（上の行を参照）",
);

/// A reason a known reader may be missing: `<model>: <what> (fix: <fix>)`.
pub fn missing_hint(model: &Text, what: &Text, fix: &Text) -> Text {
    Text::new(
        format!("{}: {} (fix: {})", model.en, what.en, fix.en),
        format!("{}: {}（対処: {}）", model.ja, what.ja, fix.ja),
    )
}

/// `n reader(s) listed`.
pub fn readers_listed(n: usize) -> Text {
    Text::new(
        format!("{n} reader{} listed", if n == 1 { "" } else { "s" }),
        format!("リーダーが {n} 台見つかりました"),
    )
}

/// One reader's line: its name, its card's ATR (or none), the known model it matched.
pub fn reader_line(name: &str, atr: Option<&str>, model: Option<&Text>) -> Text {
    let (card_en, card_ja) = match atr {
        Some(a) => (
            format!("card present, ATR {a}"),
            format!("カードあり、ATR {a}"),
        ),
        None => ("no card".to_string(), "カードなし".to_string()),
    };
    let (known_en, known_ja) = match model {
        Some(m) => (
            format!("; known as {}", m.en),
            format!("。既知の機種: {}", m.ja),
        ),
        None => (String::new(), String::new()),
    };
    Text::new(
        format!("\"{name}\": {card_en}{known_en}"),
        format!("「{name}」: {card_ja}{known_ja}"),
    )
}

/// A trap of a listed reader, indented under it.
pub fn trap_line(what: &Text) -> Text {
    Text::new(
        format!("  trap: {}", what.en),
        format!("  注意点: {}", what.ja),
    )
}

/// A note indented under a reader's line.
pub fn indented(note: &Text) -> Text {
    Text::new(format!("  {}", note.en), format!("  {}", note.ja))
}

// ---- 3. card ----

pub fn no_reader_named(want: &str, readers: &Text) -> Text {
    Text::new(
        format!("no reader named \"{want}\" (readers: {})", readers.en),
        format!(
            "「{want}」という名前のリーダーはありません（リーダー: {}）",
            readers.ja
        ),
    )
}

pub fn several_readers_match(want: &str, readers: &Text) -> Text {
    Text::new(
        format!("\"{want}\" matches several readers ({})", readers.en),
        format!("「{want}」は複数のリーダーに一致します（{}）", readers.ja),
    )
}

pub const PICK_READER_FIX: Phrase = Phrase::new(
    "pass one of the reader names listed above with --reader",
    "上に挙げたリーダー名のどれかを --reader で指定してください",
);

pub fn no_card_in(readers: &Text) -> Text {
    Text::new(
        format!("no card in {}", readers.en),
        format!("{}にカードがありません", readers.ja),
    )
}

/// A contactless reader that may not see Type B at all; `missing`: documented not to.
pub fn type_b_doubt(name: &str, model: &Text, missing: bool) -> Text {
    Text::new(
        format!(
            "\"{name}\" ({}): ISO 14443 Type B support {}; the My Number Card is Type B",
            model.en,
            if missing {
                "is missing"
            } else {
                "is not established"
            }
        ),
        format!(
            "「{name}」（{}）: ISO 14443 Type B に{}。マイナンバーカードは Type B です",
            model.ja,
            if missing {
                "対応していません"
            } else {
                "対応しているか確認されていません"
            }
        ),
    )
}

pub const UNKNOWN_MODEL: Phrase = Phrase::new("?", "不明");

pub const NO_CARD_FIX: Phrase = Phrase::new(
    "place the My Number Card flat and centred on the contactless reader (or insert it into the \
     contact reader) and run doctor again",
    "マイナンバーカードを非接触リーダーの中央に平らに置いて（または接触型リーダーに差し込んで）、\
     doctor をもう一度実行してください",
);

pub fn card_present(reader: &str) -> Text {
    Text::new(
        format!("card present in \"{reader}\", connected (shared)"),
        format!("「{reader}」にカードがあり、接続しました（共有モード）"),
    )
}

/// One reader's connection error (`error`: the transport's text, data).
pub fn connect_error(reader: &str, error: &str) -> Text {
    Text::new(
        format!("\"{reader}\": {error}"),
        format!("「{reader}」: {error}"),
    )
}

pub fn could_not_talk(errors: &[Text]) -> Text {
    Text::new(
        format!(
            "could not talk to the card: {}",
            errors
                .iter()
                .map(|t| t.en.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        format!(
            "カードと通信できませんでした: {}",
            errors
                .iter()
                .map(|t| t.ja.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ),
    )
}

pub const RESEAT_FIX: Phrase = Phrase::new(
    "take the card off the reader, put it back flat and centred, and run doctor again",
    "カードをリーダーから離し、中央に平らに置き直して、doctor をもう一度実行してください",
);

pub const SHARING_VIOLATION: Phrase = Phrase::new(
    "another program holds the card exclusively (sharing violation)",
    "別のプログラムがカードを排他的に使っています（共有違反）",
);

/// The usual programs that hold or share a reader, for the exclusive-access fix.
pub const CULPRITS: Phrase = Phrase::new(
    "close other programs that use the card: the JPKI 利用者クライアントソフト, a browser with a \
     PKCS#11 module or OpenSC loaded (on Windows, OpenSC's minidriver binds the My Number Card on insertion), GnuPG's \
     scdaemon (it opens readers exclusively unless `pcsc-shared` is set; `gpgconf --kill scdaemon`), pcsc_scan, \
     scriptor, or another myna-audit",
    "カードを使う他のプログラムを終了してください: JPKI 利用者クライアントソフト、PKCS#11 モジュールや \
     OpenSC を読み込んだブラウザー（Windows では OpenSC のミニドライバーが挿入時にマイナンバーカードをつかみます）、\
     GnuPG の scdaemon（`pcsc-shared` を設定しない限りリーダーを排他的に開きます。`gpgconf --kill scdaemon`）、\
     pcsc_scan、scriptor、別の myna-audit",
);

// ---- 4. atr ----

/// `interface` is `contact` or `contactless`.
pub fn interface_word(interface: &str) -> Text {
    match interface {
        "contactless" => Text::new("contactless", "非接触"),
        _ => Text::new("contact", "接触"),
    }
}

pub fn atr_summary(hex: &str, interface: &Text, form: &Text) -> Text {
    Text::new(
        format!("{hex} ({}, {})", interface.en, form.en),
        format!("{hex}（{}、{}）", interface.ja, form.ja),
    )
}

pub fn atr_bad_tck(hex: &str, found: u8, expected: u8) -> Text {
    Text::new(
        format!("{hex}: TCK is {found:02X}, the bytes give {expected:02X}"),
        format!("{hex}: TCK は {found:02X} ですが、各バイトから計算すると {expected:02X} です"),
    )
}

pub const ATR_BAD_TCK_FIX: Phrase = Phrase::new(
    "a byte of the ATR was corrupted between card and reader: re-seat the card (or clean its contacts) and run doctor again",
    "ATR の1バイトがカードとリーダーの間で壊れました。カードを置き直して（または接点を清掃して）、doctor をもう一度実行してください",
);

pub fn atr_malformed(hex: &str, error: &Text) -> Text {
    Text::new(
        format!("{hex}: not a well-formed ATR ({})", error.en),
        format!("{hex}: 正しい形式の ATR ではありません（{}）", error.ja),
    )
}

pub const ATR_MALFORMED_FIX: Phrase = Phrase::new(
    "re-seat the card and run doctor again; if it persists, the reader or card is faulty",
    "カードを置き直して doctor をもう一度実行してください。それでも続くなら、リーダーかカードの故障です",
);

/// The ATR's first detail line: convention, T0, protocols.
pub fn atr_structure(inverse: bool, t0: u8, protocols: &[u8]) -> Text {
    let list = protocols
        .iter()
        .map(|t| format!("T={t}"))
        .collect::<Vec<_>>();
    Text::new(
        format!(
            "TS {}, T0 {t0:02X}; protocols {}",
            if inverse { "Inverse" } else { "Direct" },
            list.join(", ")
        ),
        format!(
            "TS {}、T0 {t0:02X}、プロトコル {}",
            if inverse {
                "インバースコンベンション"
            } else {
                "ダイレクトコンベンション"
            },
            list.join("、")
        ),
    )
}

pub fn interface_byte(name: &str, value: u8, meaning: &Text) -> Text {
    Text::new(
        format!("{name} = {value:02X}: {}", meaning.en),
        format!("{name} = {value:02X}: {}", meaning.ja),
    )
}

pub fn historical_bytes(hex: &str) -> Text {
    Text::new(
        format!("historical bytes: {hex}"),
        format!("ヒストリカルバイト: {hex}"),
    )
}

pub fn contactless_form(form: &Text) -> Text {
    Text::new(
        format!("contactless (PC/SC part 3): {}", form.en),
        format!("非接触（PC/SC part 3）: {}", form.ja),
    )
}

// ---- 5. my_number_card ----

pub fn not_my_number_card(sw: &str) -> Text {
    Text::new(
        format!("not a My Number Card: the JPKI-AP is not there (SELECT answered {sw})"),
        format!("マイナンバーカードではありません: JPKI-AP がありません（SELECT の応答 {sw}）"),
    )
}

pub fn unclear_jpki_answer(sw: &str) -> Text {
    Text::new(
        format!("the card did not answer the JPKI-AP SELECT clearly ({sw})"),
        format!("カードは JPKI-AP の SELECT にはっきり応答しませんでした（{sw}）"),
    )
}

pub const PUT_MY_NUMBER_CARD_FIX: Phrase = Phrase::new(
    "put the My Number Card (not another card) on the reader",
    "（他のカードではなく）マイナンバーカードをリーダーに置いてください",
);

pub const PUT_BACK_FIX: Phrase = Phrase::new(
    "take the card off, put it back flat and centred, and run doctor again",
    "カードを離し、中央に平らに置き直して、doctor をもう一度実行してください",
);

/// An application's answer: `answers`, or `no (<status word or error>)`.
pub fn application_answer(label: &Text, answer: Option<&str>) -> Text {
    match answer {
        None => Text::new(
            format!("{}: answers", label.en),
            format!("{}: 応答あり", label.ja),
        ),
        Some(a) => Text::new(
            format!("{}: no ({a})", label.en),
            format!("{}: 応答なし（{a}）", label.ja),
        ),
    }
}

pub fn stopped_answering(error: &str) -> Text {
    Text::new(
        format!("the card stopped answering while its applications were probed ({error})"),
        format!("アプリケーションを確かめている間にカードが応答しなくなりました（{error}）"),
    )
}

pub fn all_applications(n: usize) -> Text {
    Text::new(
        format!("a My Number Card: the JPKI-AP and all {n} applications answer SELECT"),
        format!(
            "マイナンバーカードです: JPKI-AP と {n} つのアプリケーションすべてが SELECT に応答します"
        ),
    )
}

pub fn some_applications(n: usize, total: usize) -> Text {
    Text::new(
        format!(
            "a My Number Card (the JPKI-AP answers), but only {n} of {total} applications answer SELECT"
        ),
        format!(
            "マイナンバーカードです（JPKI-AP が応答）が、SELECT に応答したアプリケーションは {total} 個中 {n} 個だけです"
        ),
    )
}

pub const SOME_APPLICATIONS_FIX: Phrase = Phrase::new(
    "run `myna-audit audit` for the status words; the card may be of another generation — please report \
     the answers above (they carry no personal data)",
    "`myna-audit audit` でステータスワードを確かめてください。別の世代のカードかもしれません。\
     上の応答を報告してください（個人情報は含まれません）",
);

// ---- 6. link, 7. apdu_size ----

pub fn probe_file_answered(ef: u16, sw: &str) -> Text {
    Text::new(
        format!("selecting the probe file (JPKI EF {ef:04X}) answered {sw}"),
        format!("測定用ファイル（JPKI EF {ef:04X}）の選択への応答は {sw} でした"),
    )
}

pub const PROBE_FILE_FIX: Phrase = Phrase::new(
    "run `myna-audit audit` to see what the card answers; please report it",
    "`myna-audit audit` でカードの応答を確かめ、報告してください",
);

pub fn probe_file_failed(error: &str) -> Text {
    Text::new(
        format!("selecting the probe file failed: {error}"),
        format!("測定用ファイルを選択できませんでした: {error}"),
    )
}

pub fn atr_announces_extended(announces: bool) -> Text {
    if announces {
        Text::new(
            "the ATR's card capabilities announce extended Lc/Le",
            "ATR のカード能力は拡張 Lc/Le への対応を示しています",
        )
    } else {
        Text::new(
            "the ATR's card capabilities do not announce extended Lc/Le",
            "ATR のカード能力は拡張 Lc/Le への対応を示していません",
        )
    }
}

pub fn extended_lost(error: &str) -> Text {
    Text::new(
        format!("the card was lost during the extended-length probe ({error})"),
        format!("拡張長の確認中にカードが離れました（{error}）"),
    )
}

pub fn extended_transport_failed(error: &str) -> Text {
    Text::new(
        format!(
            "short APDUs only: the extended READ BINARY failed in transport ({error}); the audit needs short APDUs only"
        ),
        format!(
            "短い APDU のみ: 拡張長の READ BINARY は通信で失敗しました（{error}）。監査に必要なのは短い APDU だけです"
        ),
    )
}

pub fn extended_works(bytes: usize, sw: &str) -> Text {
    Text::new(
        format!("extended-length APDUs work: {bytes} bytes in one answer (status {sw})"),
        format!("拡張長 APDU が使えます: 1回の応答で {bytes} バイト（ステータス {sw}）"),
    )
}

pub fn extended_short_answer(le: u16, bytes: usize) -> Text {
    Text::new(
        format!(
            "the extended READ BINARY (Le {le}) was answered with only {bytes} bytes: extended length not \
             established; short APDUs work"
        ),
        format!(
            "拡張長の READ BINARY（Le {le}）への応答は {bytes} バイトだけでした: 拡張長は確かめられません。短い APDU は使えます"
        ),
    )
}

/// `meaning` is the status word's description (English, from `crate::sw`): the Japanese
/// half shows the status word alone.
pub fn extended_refused(sw: &str, meaning: &str) -> Text {
    Text::new(
        format!(
            "short APDUs only: the extended READ BINARY was refused with {sw} ({meaning}); the audit needs short APDUs only"
        ),
        format!(
            "短い APDU のみ: 拡張長の READ BINARY は {sw} で拒否されました。監査に必要なのは短い APDU だけです"
        ),
    )
}

// ---- 8. exclusive_access ----

pub fn held_exclusively(reader: &str) -> Text {
    Text::new(
        format!("another program holds the card in \"{reader}\" exclusively (sharing violation)"),
        format!("別のプログラムが「{reader}」のカードを排他的に使っています（共有違反）"),
    )
}

pub fn reset_during_run(error: &str) -> Text {
    Text::new(
        format!("the card was reset during the run, by another program or the reader ({error})"),
        format!(
            "実行中にカードがリセットされました。別のプログラムかリーダーによるものです（{error}）"
        ),
    )
}

pub fn answered_differently(n: usize) -> Text {
    Text::new(
        format!(
            "the same read answered differently {n} time(s): another program interleaved commands"
        ),
        format!(
            "同じ読み取りへの応答が {n} 回食い違いました: 別のプログラムがコマンドを割り込ませています"
        ),
    )
}

pub fn no_interference(sent: usize) -> Text {
    Text::new(
        format!("no other program interfered during {sent} APDU(s) (shared mode)"),
        format!("{sent} 個の APDU の間、他のプログラムの干渉はありませんでした（共有モード）"),
    )
}

// ---- the text rendering's frame ----

pub const FIX_LABEL: Phrase = Phrase::new("fix", "対処");

pub fn footer(apdus: usize, ms: u64) -> Text {
    Text::new(
        format!("{apdus} APDU(s) sent, read-only; {ms} ms"),
        format!("送信した APDU {apdus} 個（読み取りのみ）、{ms} ms"),
    )
}
