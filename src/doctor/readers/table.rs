//! The readers people use with the My Number Card, and their known traps: one row per
//! device, each trap in English and Japanese side by side, each row with its source
//! (docs/doctor.md, check 2).

use super::{Applies, KnownReader, ReaderKind, Severity, Trap};
use crate::doctor::say::Phrase;

pub const KNOWN_READERS: &[KnownReader] = &[
    KnownReader {
        model: Phrase::new("Sony PaSoRi RC-S300", "ソニー PaSoRi RC-S300"),
        matches: &["RC-S300"],
        kind: ReaderKind::Contactless,
        type_b: Some(true),
        min_libccid: Some("1.4.35"),
        traps: &[Trap {
            platform: "linux",
            applies: Applies::WhenMissing,
            severity: Severity::Warn,
            what: Phrase::new(
                "libccid supports the RC-S300/S and RC-S300/P only from version 1.4.35 (July 2021); older distributions ship an older libccid and list no reader",
                "libccid が RC-S300/S と RC-S300/P に対応したのはバージョン 1.4.35（2021年7月）からです。古いディストリビューションの libccid ではリーダーが一覧に出ません",
            ),
            fix: Phrase::new(
                "install libccid 1.4.35 or later (Debian 12 / Ubuntu 22.04 and later ship it), then restart pcscd",
                "libccid 1.4.35 以降をインストールして（Debian 12 / Ubuntu 22.04 以降に含まれます）、pcscd を再起動してください",
            ),
        }],
        source: "libccid changelog: \"Add SONY Felica RC-S300/S\" and \"/P\" (2021-06-22), release 1.4.35 (2021-07-25); libccid Info.plist ifdFriendlyName \"SONY FeliCa RC-S300/S\", \"SONY FeliCa RC-S300/P\"; ../shared/docs/prior-art.md",
    },
    KnownReader {
        model: Phrase::new("Sony PaSoRi RC-S380", "ソニー PaSoRi RC-S380"),
        matches: &["RC-S380", "PaSoRi 3.0"],
        kind: ReaderKind::Contactless,
        type_b: Some(true),
        min_libccid: None,
        traps: &[Trap {
            platform: "linux",
            applies: Applies::WhenMissing,
            severity: Severity::Fail,
            what: Phrase::new(
                "the RC-S380 is not a CCID reader and no pcsc-lite driver exists for it: on Linux it never appears as a PC/SC reader",
                "RC-S380 は CCID リーダーではなく、pcsc-lite 用のドライバーもありません: Linux では PC/SC リーダーとして現れません",
            ),
            fix: Phrase::new(
                "use a CCID reader with ISO 14443 Type B on Linux (Sony RC-S300 with libccid >= 1.4.35, or an ACS ACR1252U); on Windows the RC-S380 works with Sony's NFC Port Software",
                "Linux では ISO 14443 Type B に対応した CCID リーダー（libccid 1.4.35 以降とソニー RC-S300、または ACS ACR1252U）を使ってください。Windows ではソニーの NFC Port Software で RC-S380 が使えます",
            ),
        }],
        source: "../shared/docs/prior-art.md (reader failures); absent from libccid's supported-reader list (Info.plist)",
    },
    KnownReader {
        model: Phrase::new("ACS ACR122U (PN532-based)", "ACS ACR122U（PN532 搭載）"),
        matches: &["ACR122"],
        kind: ReaderKind::Contactless,
        type_b: None,
        min_libccid: None,
        traps: &[
            Trap {
                platform: "linux",
                applies: Applies::WhenMissing,
                severity: Severity::Warn,
                what: Phrase::new(
                    "Linux kernels since 3.5 bind the NFC driver pn533_usb to it, and pcscd then logs \"Can't claim interface\" and lists no reader",
                    "Linux カーネル 3.5 以降は NFC ドライバー pn533_usb をこのリーダーに割り当てるため、pcscd が \"Can't claim interface\" と記録してリーダーを一覧に出しません",
                ),
                fix: Phrase::new(
                    "sudo modprobe -r pn533_usb pn533 nfc, then restart pcscd; to make it last: echo 'blacklist pn533_usb' | sudo tee /etc/modprobe.d/blacklist-nfc.conf",
                    "`sudo modprobe -r pn533_usb pn533 nfc` を実行してから pcscd を再起動してください。恒久的にするには: `echo 'blacklist pn533_usb' | sudo tee /etc/modprobe.d/blacklist-nfc.conf`",
                ),
            },
            Trap {
                platform: "any",
                applies: Applies::WhenListed,
                // Information: doctor establishes Type B by reaching the card.
                severity: Severity::Info,
                what: Phrase::new(
                    "ISO 14443 Type B support depends on firmware and is not established for the My Number Card; ACR122U-WB-R firmware below 2.06 answers 6300 to APDUs expecting 123 bytes",
                    "ISO 14443 Type B への対応はファームウェアしだいで、マイナンバーカードで使えるかは確かめられていません。ACR122U-WB-R のファームウェア 2.06 未満は 123 バイトを期待する APDU に 6300 を返します",
                ),
                fix: Phrase::new(
                    "if doctor finds no card or the link check fails, use a reader documented for Type B (ACS ACR1252U, Sony RC-S300)",
                    "doctor がカードを見つけられないか通信品質の確認に失敗するなら、Type B 対応と明記されたリーダー（ACS ACR1252U、ソニー RC-S300）を使ってください",
                ),
            },
        ],
        source: "nfc-tools/libnfc issues #338 (the ACR122U contains a PN532), #426, #402; coinkite/coinkite-tap-proto issue #37 (pn533_usb blacklist); libccid changelog 2009-05-27 (firmware < 2.06)",
    },
    KnownReader {
        model: Phrase::new(
            "PN532 boards (breakouts, Arduino / Raspberry Pi NFC HATs)",
            "PN532 ボード（ブレイクアウト基板、Arduino / Raspberry Pi 用 NFC HAT）",
        ),
        matches: &["PN532"],
        kind: ReaderKind::Contactless,
        type_b: Some(false),
        min_libccid: None,
        traps: &[Trap {
            platform: "any",
            applies: Applies::WhenListed,
            severity: Severity::Fail,
            what: Phrase::new(
                "PN532 boards are not PC/SC readers, and the firmware and libraries that drive them poll ISO 14443 Type A only (the chip's Type B mode is rarely wired up): they do not see the My Number Card",
                "PN532 ボードは PC/SC リーダーではなく、動かすファームウェアやライブラリーは ISO 14443 Type A しか探しません（チップの Type B モードはほとんど使われていません）: マイナンバーカードは見えません",
            ),
            fix: Phrase::new(
                "use a PC/SC reader with ISO 14443 Type B (ACS ACR1252U, Sony RC-S300)",
                "ISO 14443 Type B に対応した PC/SC リーダー（ACS ACR1252U、ソニー RC-S300）を使ってください",
            ),
        }],
        source: "../shared/docs/prior-art.md (\"PN532 / some readers never see the card\"); NXP PN532 user manual UM0701 (InListPassiveTarget BrTy 03 = 106 kbps Type B is the chip's, not the boards')",
    },
    KnownReader {
        model: Phrase::new("ACS ACR1252U", "ACS ACR1252U"),
        matches: &["ACR1252"],
        kind: ReaderKind::Contactless,
        type_b: Some(true),
        min_libccid: None,
        traps: &[],
        source: "libccid Info.plist ifdFriendlyName \"ACS ACR1252 Dual Reader\", \"ACS ACR1252 Reader\"; ACS ACR1252U specification (ISO 14443 Type A and B); ../shared/docs/prior-art.md",
    },
    KnownReader {
        model: Phrase::new("ACS ACR39U (contact)", "ACS ACR39U（接触型）"),
        matches: &["ACR39"],
        kind: ReaderKind::Contact,
        type_b: None,
        min_libccid: None,
        traps: &[Trap {
            platform: "any",
            applies: Applies::WhenListed,
            severity: Severity::Info,
            what: Phrase::new(
                "a contact reader: the card goes in chip first, face up; the contact ATR is the card's own",
                "接触型リーダーです: カードは表を上にして IC チップ側から差し込みます。接触の ATR はカード自身のものです",
            ),
            fix: Phrase::new(
                "insert the card fully, contacts towards the reader",
                "接点をリーダー側に向けて、カードを奥まで差し込んでください",
            ),
        }],
        source: "libccid Info.plist ifdFriendlyName \"ACS ACR39U ICC Reader\"; card-facts §5 (the card has contacts)",
    },
    KnownReader {
        model: Phrase::new("YubiKey (security key)", "YubiKey（セキュリティキー）"),
        matches: &["Yubico", "YubiKey"],
        kind: ReaderKind::NotAReader,
        type_b: None,
        min_libccid: None,
        traps: &[Trap {
            platform: "any",
            applies: Applies::WhenListed,
            severity: Severity::Info,
            what: Phrase::new(
                "a security key shows up as a PC/SC reader with its own card in it; it cannot read the My Number Card",
                "セキュリティキーは、自分のカードが入った PC/SC リーダーとして現れます。マイナンバーカードは読めません",
            ),
            fix: Phrase::new(
                "pick the card reader with --reader",
                "--reader でカードリーダーを選んでください",
            ),
        }],
        source: "../shared/docs/prior-art.md (several readers: YubiKey, FIDO token)",
    },
    KnownReader {
        model: Phrase::new(
            "vsmartcard virtual reader (vpcd)",
            "vsmartcard の仮想リーダー（vpcd）",
        ),
        matches: &["Virtual PCD"],
        kind: ReaderKind::NotAReader,
        type_b: None,
        min_libccid: None,
        traps: &[Trap {
            platform: "any",
            applies: Applies::WhenListed,
            severity: Severity::Info,
            what: Phrase::new(
                "a virtual reader: the card in it is an emulator (myna-audit emulate) or another vicc, not a physical card",
                "仮想リーダーです: 中のカードはエミュレーター（myna-audit emulate）か別の vicc で、実物のカードではありません",
            ),
            fix: Phrase::new(
                "none needed for tests; for a real card, pick the physical reader with --reader",
                "テストでは不要です。実物のカードには --reader で物理リーダーを選んでください",
            ),
        }],
        source: "vsmartcard vpcd reader name (../shared/docs/pcsc-virtual-reader.md)",
    },
];
