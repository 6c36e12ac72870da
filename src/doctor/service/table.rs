//! The pcscd diagnoses as a table: which facts mean which state, what to tell the holder
//! and what to do, in English and Japanese side by side (docs/doctor.md, check 1).

use super::{Distro, PcscProbe, ServiceState};
use crate::doctor::say::Phrase;
use crate::lang::Text;

/// What to do: a sentence, or the install command of the distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    Say(Phrase),
    Install,
}

/// The probe outcome a row is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    NoService,
    NoAccess,
}

/// One row: for this PC/SC answer and these facts (`None`: any), this state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Diagnosis {
    pub answer: Answer,
    pub binary: Option<bool>,
    pub process: Option<bool>,
    pub socket: Option<bool>,
    pub state: ServiceState,
    /// What is wrong; the facts seen follow it.
    pub lead: Phrase,
    pub fix: Fix,
}

impl Diagnosis {
    /// Whether the row is for this probe and these facts (binary, process, socket).
    pub fn matches(
        &self,
        probe: &PcscProbe,
        (binary, process, socket): (bool, bool, bool),
    ) -> bool {
        let answer = match probe {
            PcscProbe::NoService => Answer::NoService,
            PcscProbe::NoAccess => Answer::NoAccess,
            PcscProbe::Reachable | PcscProbe::Other(_) => return false,
        };
        let fits = |want: Option<bool>, have: bool| want.is_none_or(|w| w == have);
        self.answer == answer
            && fits(self.binary, binary)
            && fits(self.process, process)
            && fits(self.socket, socket)
    }
}

const POLKIT_FIX: Phrase = Phrase::new(
    "polkit is refusing your session (common over ssh and in containers): allow the actions \
     org.debian.pcsc-lite.access_pcsc and org.debian.pcsc-lite.access_card for your user with a polkit rule \
     (e.g. /etc/polkit-1/rules.d/50-pcscd.rules returning polkit.Result.YES for those two action ids when \
     subject.user is you), or run from a local desktop session; `journalctl -u pcscd` shows \
     \"NOT authorized for action\" when this is the cause",
    "polkit がこのセッションを拒んでいます（ssh やコンテナーでよくあります）: polkit のルールで、あなたのユーザーに \
     org.debian.pcsc-lite.access_pcsc と org.debian.pcsc-lite.access_card の2つのアクションを許可してください\
     （例: /etc/polkit-1/rules.d/50-pcscd.rules で、subject.user があなたのとき、この2つのアクション ID に \
     polkit.Result.YES を返す）。またはデスクトップのローカルセッションから実行してください。これが原因なら \
     `journalctl -u pcscd` に \"NOT authorized for action\" と出ます",
);

/// Linux, first match wins. Why a running daemon with its socket present reads as a polkit
/// denial: pcsc-lite closes the connection of a client polkit does not authorise, and which
/// error the client library returns differs between versions (docs/doctor.md).
pub const DIAGNOSES: &[Diagnosis] = &[
    Diagnosis {
        answer: Answer::NoAccess,
        binary: None,
        process: None,
        socket: None,
        state: ServiceState::AccessDenied,
        lead: Phrase::new(
            "pcscd refused access (SCARD_E_NO_ACCESS)",
            "pcscd がアクセスを拒否しました（SCARD_E_NO_ACCESS）",
        ),
        fix: Fix::Say(POLKIT_FIX),
    },
    Diagnosis {
        answer: Answer::NoService,
        binary: None,
        process: Some(true),
        socket: Some(true),
        state: ServiceState::AccessDenied,
        lead: Phrase::new(
            "pcscd is running and its socket exists, yet the service refused this program (SCARD_E_NO_SERVICE)",
            "pcscd は動いていてソケットもありますが、サービスがこのプログラムを拒みました（SCARD_E_NO_SERVICE）",
        ),
        fix: Fix::Say(POLKIT_FIX),
    },
    Diagnosis {
        answer: Answer::NoService,
        binary: None,
        process: Some(true),
        socket: Some(false),
        state: ServiceState::SocketElsewhere,
        lead: Phrase::new(
            "pcscd is running but not on /run/pcscd/pcscd.comm",
            "pcscd は動いていますが、/run/pcscd/pcscd.comm では待ち受けていません",
        ),
        fix: Fix::Say(Phrase::new(
            "pcscd may be running in another namespace or container, or with another socket path \
             (PCSCLITE_CSOCK_NAME): restart it here with `sudo systemctl restart pcscd.socket pcscd.service`",
            "pcscd は別の名前空間やコンテナーの中か、別のソケットのパス（PCSCLITE_CSOCK_NAME）で動いているかもしれません: \
             `sudo systemctl restart pcscd.socket pcscd.service` でこの環境で起動し直してください",
        )),
    },
    Diagnosis {
        answer: Answer::NoService,
        binary: Some(false),
        process: Some(false),
        socket: Some(false),
        state: ServiceState::NotInstalled,
        lead: Phrase::new(
            "pcscd is not installed",
            "pcscd がインストールされていません",
        ),
        fix: Fix::Install,
    },
    Diagnosis {
        answer: Answer::NoService,
        binary: Some(true),
        process: Some(false),
        socket: Some(false),
        state: ServiceState::NotRunning,
        lead: Phrase::new(
            "pcscd is installed but not running, and its socket is not active",
            "pcscd はインストールされていますが動いておらず、ソケットも有効になっていません",
        ),
        fix: Fix::Say(Phrase::new(
            "`sudo systemctl enable --now pcscd.socket` (socket activation starts pcscd on demand); \
             without systemd, run `sudo pcscd`",
            "`sudo systemctl enable --now pcscd.socket` を実行してください（ソケット起動で pcscd が必要なときに起動します）。\
             systemd がなければ `sudo pcscd` を実行してください",
        )),
    },
    Diagnosis {
        answer: Answer::NoService,
        binary: None,
        process: Some(false),
        socket: Some(true),
        state: ServiceState::SocketWithoutDaemon,
        lead: Phrase::new(
            "the socket exists but no pcscd answers it (activation failed or a stale socket)",
            "ソケットはありますが、pcscd が応答しません（起動に失敗したか、古いソケットが残っています）",
        ),
        fix: Fix::Say(Phrase::new(
            "`sudo systemctl restart pcscd.socket pcscd.service`, then `journalctl -u pcscd` if it still fails",
            "`sudo systemctl restart pcscd.socket pcscd.service` を実行し、まだ失敗するなら `journalctl -u pcscd` を確かめてください",
        )),
    },
];

/// Never used while [`DIAGNOSES`] covers every combination (a test checks it).
pub(super) const UNKNOWN_DIAGNOSIS: Diagnosis = Diagnosis {
    answer: Answer::NoService,
    binary: None,
    process: None,
    socket: None,
    state: ServiceState::Unreachable,
    lead: Phrase::new(
        "the PC/SC service is not reachable",
        "PC/SC サービスに接続できません",
    ),
    fix: Fix::Say(OTHER_ERROR_FIX),
};

/// The fix for an error the table does not cover.
pub(super) const OTHER_ERROR_FIX: Phrase = Phrase::new(
    "restart the service (`sudo systemctl restart pcscd`) and try again",
    "サービスを再起動して（`sudo systemctl restart pcscd`）、もう一度試してください",
);

/// Outside Linux: the platform's own service (docs/doctor.md). The last row is any other.
pub const PLATFORM_FIXES: &[(&str, Phrase)] = &[
    (
        "macos",
        Phrase::new(
            "macOS starts its PC/SC service when a reader is plugged in: plug the reader in (again) and retry",
            "macOS はリーダーを接続したときに PC/SC サービスを起動します: リーダーを（もう一度）接続して、やり直してください",
        ),
    ),
    (
        "windows",
        Phrase::new(
            "Windows runs the Smart Card service (SCardSvr) only while a reader is plugged in: plug the reader in, or start the \"Smart Card\" service",
            "Windows はリーダーが接続されている間だけスマートカードサービス（SCardSvr）を動かします: リーダーを接続するか、\"Smart Card\" サービスを開始してください",
        ),
    ),
    (
        "",
        Phrase::new(
            "start the PC/SC service of this system",
            "このシステムの PC/SC サービスを開始してください",
        ),
    ),
];

/// The fix outside Linux.
pub fn platform_fix(platform: &str) -> Phrase {
    PLATFORM_FIXES
        .iter()
        .find(|(p, _)| *p == platform || p.is_empty())
        .map_or(OTHER_ERROR_FIX, |(_, f)| *f)
}

/// Install pcscd and the CCID driver, then enable the socket.
pub fn install_fix(distro: Distro) -> Text {
    const ENABLE: &str = "`sudo systemctl enable --now pcscd.socket`";
    match distro.install_command() {
        Some(cmd) => Text::new(
            format!("{cmd}, then {ENABLE}"),
            format!("`{cmd}` を実行してから、{ENABLE} を実行してください"),
        ),
        None => Text::new(
            format!(
                "install pcscd and the CCID driver (Debian/Ubuntu: pcscd libccid; Fedora: pcsc-lite pcsc-lite-ccid; \
                 Arch: pcsclite ccid), then {ENABLE}"
            ),
            format!(
                "pcscd と CCID ドライバーをインストールしてから（Debian/Ubuntu: pcscd libccid、Fedora: pcsc-lite \
                 pcsc-lite-ccid、Arch: pcsclite ccid）、{ENABLE} を実行してください"
            ),
        ),
    }
}
