//! The sentences of `pin-check`, each written once in both languages (the catalogue pattern
//! of `crate::report::say`), and the text rendering of its answer. No sentence holds a PIN
//! or a card-face value: patterns are named, never shown.

use std::fmt::Write as _;

use super::{
    BirthError, BirthForm, FaceError, NameForm, Pattern, PinCheck, PinCheckReport, PinError,
    PinKind, Trivial,
};
use crate::lang::{Lang, Text, official};

/// The PIN's name.
pub fn kind(k: PinKind) -> Text {
    match k {
        PinKind::Auth => Text::new(
            "authentication PIN (4 digits, for logging in to Mynaportal)",
            "利用者証明用電子証明書の暗証番号（数字4桁、マイナポータルへのログイン用）",
        ),
        PinKind::Text => Text::new(
            "text-application PIN (4 digits, for filling in forms with the card)",
            "券面事項入力補助用の暗証番号（数字4桁）",
        ),
        PinKind::Juki => Text::new(
            "resident-registry PIN (4 digits)",
            "住民基本台帳用の暗証番号（数字4桁）",
        ),
        PinKind::Signing => Text::new(
            "signing password (6–16 letters A–Z and digits, for signing applications)",
            "署名用電子証明書の暗証番号（英大文字と数字6〜16桁、電子申請の署名用）",
        ),
    }
}

fn birth_form(f: BirthForm) -> (&'static str, &'static str) {
    match f {
        BirthForm::MonthDay => ("month and day (MMDD)", "月日（MMDD）"),
        BirthForm::DayMonth => ("day and month (DDMM)", "日月（DDMM）"),
        BirthForm::Year => ("year (YYYY)", "西暦の年（YYYY）"),
        BirthForm::YearMonth => ("year and month (YYMM)", "西暦年の下2桁と月（YYMM）"),
        BirthForm::MonthYear => ("month and year (MMYY)", "月と西暦年の下2桁（MMYY）"),
        BirthForm::EraYearMonth => (
            "Japanese-era year and month (era YYMM)",
            "和暦の年と月（YYMM）",
        ),
        BirthForm::EraMonthYear => (
            "month and Japanese-era year (MM era YY)",
            "月と和暦の年（MMYY）",
        ),
        BirthForm::EraYearDay => (
            "Japanese-era year and day (era YY DD)",
            "和暦の年と日（YYDD）",
        ),
        BirthForm::Full => ("as YYYYMMDD", "西暦の年月日（YYYYMMDD）"),
        BirthForm::Short => ("as YYMMDD", "西暦下2桁の年月日（YYMMDD）"),
        BirthForm::EraFull => (
            "in the Japanese era as YYMMDD",
            "和暦の年月日（YYMMDD、照合番号Bと同じ形）",
        ),
        BirthForm::EraLetterFull => (
            "with the era's letter (H/S/R + YYMMDD)",
            "元号の頭文字つき（H・S・R＋YYMMDD）",
        ),
        BirthForm::DayMonthYear => ("as DDMMYYYY", "日月年（DDMMYYYY）"),
        BirthForm::MonthDayYear => ("as MMDDYYYY", "月日年（MMDDYYYY）"),
    }
}

fn trivial(t: Trivial) -> (&'static str, &'static str) {
    match t {
        Trivial::Repeated => ("one character repeated", "同じ文字の繰り返し"),
        Trivial::Ascending => (
            "a run upwards (like 1-2-3)",
            "昇順の並び（1・2・3のような）",
        ),
        Trivial::Descending => (
            "a run downwards (like 3-2-1)",
            "降順の並び（3・2・1のような）",
        ),
        Trivial::Pairs => ("two repeated pairs", "2文字の組の繰り返し"),
        Trivial::KeypadLine => ("a straight line on a keypad", "テンキー上の一直線"),
    }
}

/// What a pattern is, named without the PIN.
pub fn pattern(p: &Pattern) -> Text {
    match p {
        Pattern::BirthDate { form } => {
            let (en, ja) = birth_form(*form);
            Text::new(
                format!("your birth date, {en}"),
                format!("あなたの生年月日の{ja}"),
            )
        }
        Pattern::SecurityCode => Text::new(
            "the security code printed on the front of the card",
            "カード表面のセキュリティコード",
        ),
        Pattern::ExpiryYear => Text::new(
            "the card's expiry year printed on the front",
            "カード表面の有効期限の年",
        ),
        Pattern::MyNumberPart => Text::new(
            "the last four digits of the My Number printed on the back",
            "カード裏面のマイナンバーの下4桁",
        ),
        Pattern::CommonPin => Text::new(
            "one of the 20 most common 4-digit PINs (DataGenetics PIN analysis)",
            "最もよく使われる4桁の暗証番号20個の一つ（DataGenetics の分析）",
        ),
        Pattern::Trivial { kind } => {
            let (en, ja) = trivial(*kind);
            Text::new(
                format!("a trivial pattern: {en}"),
                format!("単純な並び: {ja}"),
            )
        }
        Pattern::Name { form } => match form {
            NameForm::Full => Text::new(
                "your printed name, written out",
                "カードに記載の氏名（ローマ字）そのもの",
            ),
            NameForm::Reversed => Text::new(
                "your printed name, in the other order",
                "カードに記載の氏名（ローマ字）の姓名を入れ替えたもの",
            ),
            NameForm::Word => Text::new(
                "one word of your printed name",
                "カードに記載の氏名（ローマ字）の姓または名",
            ),
        },
        Pattern::NameAndBirthDate { form } => {
            let (en, ja) = birth_form(*form);
            Text::new(
                format!("your name with your birth date, {en}"),
                format!("氏名（ローマ字）と生年月日の{ja}の組み合わせ"),
            )
        }
        Pattern::WeakByEstimator => Text::new(
            "rated by the strength estimator (zxcvbn) as found within a thousand guesses",
            "強度推定（zxcvbn）で1000回以内の推測で見つかると評価されるもの",
        ),
    }
}

/// The one-line answer for a PIN.
pub fn answer(c: &PinCheck) -> Text {
    let n = c.max_tries;
    match (c.guessable, c.within_tries) {
        (false, _) => Text::new(
            "not among the guesses a finder of this card would try first.",
            "このカードを拾った人が最初に試す推測には入っていません。",
        ),
        (true, true) => Text::new(
            format!(
                "GUESSABLE: a finder who reads the card tries this within the card's {n} tries."
            ),
            format!(
                "推測されます: カードを読んだ人が、カードが許す{n}回の試行のうちに試す暗証番号です。"
            ),
        ),
        (true, false) => Text::new(
            format!(
                "GUESSABLE: a finder would try this, though perhaps not within the card's {n} tries."
            ),
            format!(
                "推測されやすい: 拾った人が試す候補に入っています（カードが許す{n}回の試行のうちとは限りません）。"
            ),
        ),
    }
}

/// What to do about a guessable PIN.
pub fn advice(k: PinKind) -> Text {
    if k.is_jpki() {
        Text::new(
            format!(
                "Change it to one not derived from the card: at your {} {}, or with a smartphone at a convenience-store kiosk.",
                official("市区町村"),
                official("窓口")
            ),
            "カードから推測できない番号に変更してください: 市区町村の窓口、またはスマートフォンを使ってコンビニのキオスク端末で変更できます。",
        )
    } else {
        Text::new(
            format!(
                "Change it to one not derived from the card at your {} {}.",
                official("市区町村"),
                official("窓口")
            ),
            "カードから推測できない番号に、市区町村の窓口で変更してください。",
        )
    }
}

/// The estimator's score line for the signing password.
pub fn strength(score: u8, log10: f64) -> Text {
    Text::new(
        format!(
            "Strength estimate (zxcvbn, with the card face as known words): score {score} of 4, about 10^{log10:.1} guesses."
        ),
        format!(
            "強度推定（zxcvbn、券面の記載を既知の語として）: 4段階中{score}、推測回数は約10^{log10:.1}回。"
        ),
    )
}

pub fn title() -> Text {
    Text::new(
        "myna-audit pin-check — could a finder of this card guess your PINs? (offline)",
        "myna-audit pin-check — このカードを拾った人に暗証番号を推測されるか（オフラインで確認）",
    )
}

pub fn never() -> Text {
    Text::new(
        "Nothing was sent to a card or the PC/SC service; no PIN is shown, written or kept.",
        "カードにもPC/SCサービスにも何も送っていません。暗証番号は表示も保存もしません。",
    )
}

pub fn no_birth_date() -> Text {
    Text::new(
        "No birth date was given: the birth-date forms, the guesses a finder tries first, were not checked.",
        "生年月日が指定されていないため、拾った人が最初に試す生年月日の形は確認していません。",
    )
}

pub fn skipped() -> Text {
    Text::new("skipped (nothing typed).", "省略（入力なし）。")
}

pub fn summary(any: bool) -> Text {
    if any {
        Text::new(
            "At least one PIN is guessable from the card or among the most common: change it before you might lose the card.",
            "推測されやすい暗証番号があります。カードをなくす前に変更してください。",
        )
    } else {
        Text::new(
            "None of the PINs checked is among a finder's first guesses.",
            "確認した暗証番号はどれも、拾った人が最初に試す推測に入っていません。",
        )
    }
}

/// The prompt for a PIN (read without echo).
pub fn prompt(k: PinKind) -> Text {
    Text::new(
        format!(
            "Type your {} (not shown; Enter alone skips): ",
            kind(k).en()
        ),
        format!(
            "{}を入力してください（表示されません。Enterだけで省略）: ",
            kind(k).ja()
        ),
    )
}

/// The prompt for a card-face item (shown as typed: it is printed on the card).
pub fn face_prompt(item: FaceItem) -> Text {
    match item {
        FaceItem::Birth => Text::new(
            "Birth date as printed on the card (e.g. H02.04.01 or 1990-04-01; the era in kanji as printed works too; Enter skips): ",
            "カードに記載の生年月日（例: 平成2年4月1日、H02.04.01、1990-04-01。Enterで省略）: ",
        ),
        FaceItem::ExpiryYear => Text::new(
            "Expiry year printed on the front (e.g. 2035; Enter skips): ",
            "表面の有効期限の年（例: 2035。Enterで省略）: ",
        ),
        FaceItem::SecurityCode => Text::new(
            "Security code printed on the front (4 digits; Enter skips): ",
            "表面のセキュリティコード（数字4桁。Enterで省略）: ",
        ),
        FaceItem::MyNumberLast => Text::new(
            "Last four digits of the My Number on the back (Enter skips): ",
            "裏面のマイナンバーの下4桁（Enterで省略）: ",
        ),
        FaceItem::Name => Text::new(
            "Your name in Latin letters as you might type it, e.g. YAMADA TARO (for the signing password; Enter skips): ",
            "氏名のローマ字（例: YAMADA TARO。署名用パスワードの確認用。Enterで省略）: ",
        ),
    }
}

/// A card-face item that can be asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceItem {
    Birth,
    ExpiryYear,
    SecurityCode,
    MyNumberLast,
    Name,
}

/// A PIN of the wrong form.
pub fn pin_error(e: PinError) -> Text {
    match e {
        PinError::Empty => Text::new("Nothing was typed.", "何も入力されていません。"),
        PinError::NotFourDigits => Text::new(
            "That is not a 4-digit PIN: it is exactly 4 digits 0–9.",
            "4桁の暗証番号ではありません: 数字0〜9をちょうど4桁です。",
        ),
        PinError::PasswordLength => Text::new(
            "The signing password is 6 to 16 characters long.",
            "署名用パスワードは6〜16文字です。",
        ),
        PinError::PasswordCharacters => Text::new(
            "The signing password has only the letters A–Z and the digits 0–9.",
            "署名用パスワードに使えるのは英字A〜Zと数字0〜9だけです。",
        ),
    }
}

/// A card-face item of the wrong form.
pub fn face_error(e: FaceError) -> Text {
    match e {
        FaceError::Birth(b) => match b {
            BirthError::Unreadable => Text::new(
                "The birth date is not in a form this tool reads: use 1990-04-01 or H02.04.01 (the era in kanji as printed works too).",
                "生年月日を読み取れません: 1990-04-01、平成2年4月1日、H02.04.01 の形で入力してください。",
            ),
            BirthError::NoSuchDay => Text::new(
                "That birth date does not exist in the calendar.",
                "その生年月日は暦に存在しません。",
            ),
            BirthError::OutsideEra => Text::new(
                "That day is outside the era given (Heisei ended on 30 April 2019, Heisei 31; Reiwa 1 began on 1 May 2019; Showa ended on 7 January 1989, Showa 64).",
                "その日付は指定の元号の期間外です（平成は平成31年4月30日まで、令和元年は5月1日から、昭和は昭和64年1月7日まで）。",
            ),
            BirthError::Future => Text::new(
                "That birth date is in the future.",
                "その生年月日は未来の日付です。",
            ),
            BirthError::TooOld => Text::new(
                "That birth date is before the eras this tool knows (from Meiji on).",
                "その生年月日はこのツールが扱う元号（明治以降）より前です。",
            ),
        },
        FaceError::ExpiryYear => Text::new(
            "The expiry year is a year of four digits such as 2035.",
            "有効期限の年は 2035 のような西暦4桁です。",
        ),
        FaceError::SecurityCode => Text::new(
            "The security code is the 4 digits printed on the front.",
            "セキュリティコードは表面に記載の数字4桁です。",
        ),
        FaceError::MyNumber => Text::new(
            "The last group of the My Number is 4 digits.",
            "マイナンバーの下4桁は数字4桁です。",
        ),
        FaceError::Name => Text::new(
            "The name is Latin letters only, e.g. YAMADA TARO.",
            "氏名はローマ字だけで入力してください（例: YAMADA TARO）。",
        ),
    }
}

pub fn ask_again() -> Text {
    Text::new("Please type it again.", "もう一度入力してください。")
}

/// Why a PIN on the command line is refused.
pub fn pin_argument_refused() -> Text {
    Text::new(
        "a PIN or password given as a command-line argument is refused: arguments are visible to other users of this computer (ps) and are kept in your shell history. Run pin-check without it and type the PIN at its prompt (not shown), or pipe it on standard input.",
        "暗証番号をコマンドライン引数で渡すことはできません: 引数はこのコンピュータの他の利用者から見え（ps）、シェルの履歴にも残ります。引数なしで pin-check を実行して入力欄に入力するか（表示されません）、標準入力から渡してください。",
    )
}

/// The `--which` value that names no PIN (the value is not repeated: it may be a PIN).
pub fn unknown_kind() -> Text {
    Text::new(
        "--which takes auth, text, juki and signing, separated by commas.",
        "--which には auth、text、juki、signing をカンマ区切りで指定します。",
    )
}

/// Renders the answer for a person.
pub fn render(r: &PinCheckReport, skipped_kinds: &[PinKind], lang: Lang) -> String {
    let t = |x: &Text| x.get(lang, "\n");
    let mut o = String::new();
    let _ = writeln!(o, "{}\n", t(&title()));
    if !r.card_face.birth_date {
        let _ = writeln!(o, "{}\n", t(&no_birth_date()));
    }
    for c in &r.checks {
        let k = kind(c.pin);
        let _ = writeln!(o, "■ {}", k.get(lang, " / "));
        for line in t(&answer(c)).lines() {
            let _ = writeln!(o, "  {line}");
        }
        for p in &c.patterns {
            for line in t(&pattern(p)).lines() {
                let _ = writeln!(o, "    - {line}");
            }
        }
        if let Some(s) = &c.strength {
            for line in t(&strength(s.score, s.guesses_log10)).lines() {
                let _ = writeln!(o, "  {line}");
            }
        }
        if c.guessable {
            for line in t(&advice(c.pin)).lines() {
                let _ = writeln!(o, "  → {line}");
            }
        }
        o.push('\n');
    }
    for k in skipped_kinds {
        let _ = writeln!(o, "■ {}", kind(*k).get(lang, " / "));
        for line in t(&skipped()).lines() {
            let _ = writeln!(o, "  {line}");
        }
        o.push('\n');
    }
    let _ = writeln!(o, "{}", t(&summary(r.guessable)));
    let _ = writeln!(o, "{}", t(&never()));
    o
}
