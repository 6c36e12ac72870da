//! The audit: walks the chip map over a read-only [`Session`] and fills a [`Report`].
//!
//! It never stops at the first odd answer: every status word is kept, and a fatal fault
//! (card removed, service gone) ends the walk with what was gathered so far.

// Card answers and fixture bytes are untrusted: no indexing that could panic
// (docs/safety.md, "Never crash").
#![deny(clippy::indexing_slicing)]

use std::collections::{HashMap, HashSet};

use time::Date;

use crate::card::chipmap::{
    self, APPLICATIONS, Access, AppId, AppSpec, CertRole, Content, FileSpec, MF_OBJECTS, MfValue,
    SecretKind, Structure,
};
use crate::card::session::{FileRead, Session};
use crate::decode::{cert, records};
use crate::report::*;
use crate::sw::{StatusWord, SwKind};
use crate::transport::replay::ISD_AID;
use crate::transport::{Transport, TransportError};

/// Days before a certificate's expiry when the audit starts to warn.
pub const EXPIRY_WARNING_DAYS: i64 = 90;

#[derive(Debug, Clone)]
pub struct AuditOptions {
    pub as_of: Date,
    pub show_identifiers: bool,
    pub source: Source,
    /// Certificates a recorded fixture declares redacted (`redacted: auth-certificate`):
    /// their key and signature bytes were replaced, so their signature cannot be checked.
    /// Their `chains_to_card_ca` stays `null` (not checkable) instead of reporting a
    /// mismatch that only the redaction caused.
    pub redacted_certificates: Vec<CertRole>,
}

/// Why an audit could not finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(
        "the card in \"{reader}\" is not a My Number Card: it answered {sw} to SELECT of the JPKI application"
    )]
    NotMyNumberCard { reader: String, sw: String },
}

impl AuditError {
    pub fn code(&self) -> &'static str {
        match self {
            AuditError::Transport(t) => t.code(),
            AuditError::NotMyNumberCard { .. } => "not-my-number-card",
        }
    }

    pub fn hint(&self) -> &'static str {
        match self {
            AuditError::Transport(t) => t.hint(),
            AuditError::NotMyNumberCard { .. } => {
                "Check that the card on the reader is a My Number Card (マイナンバーカード); with several readers, \
                 pass --reader. Run `myna-audit readers` to see which card is where."
            }
        }
    }
}

/// The finished (or interrupted) audit.
#[derive(Debug)]
pub struct AuditRun {
    pub report: Report,
    pub error: Option<AuditError>,
}

/// Runs the whole audit.
pub fn run<T: Transport>(session: &mut Session<T>, opts: &AuditOptions) -> AuditRun {
    let mut a = Auditor {
        opts,
        report: Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: env!("CARGO_PKG_NAME").into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            as_of: cert::iso_date(opts.as_of),
            source: opts.source.clone(),
            reader: Reader {
                name: session.reader_name().to_string(),
                atr: hex::encode_upper(session.atr()),
            },
            is_my_number_card: false,
            identifiers_masked: !opts.show_identifiers,
            master_file: None,
            applications: Vec::new(),
            exposure: Exposure {
                no_secret: Vec::new(),
                card_surface: Vec::new(),
                pin_only: Vec::new(),
            },
            findings: Vec::new(),
            notes: Vec::new(),
            apdu_count: 0,
            complete: false,
            error: None,
        },
        certs: HashMap::new(),
        expiries: Vec::new(),
        unselectable_pins: HashSet::new(),
    };
    let result = a.walk(session);
    a.report.apdu_count = session.apdu_count();
    a.finish();
    a.report.notes.extend(session.transport_notes());
    let error = result.err();
    if let Some(e) = &error {
        a.report.error = Some(ErrorInfo {
            code: e.code().into(),
            message: e.to_string(),
            hint: e.hint().into(),
        });
    } else {
        a.report.complete = true;
    }
    AuditRun {
        report: a.report,
        error,
    }
}

struct Auditor<'o> {
    opts: &'o AuditOptions,
    report: Report,
    /// DER bytes of the certificates read, for the chain check.
    certs: HashMap<CertRole, Vec<u8>>,
    /// Card expiry dates read (共通AP record, MF GET DATA), for the expiry finding.
    expiries: Vec<(String, Date)>,
    /// Key EFs whose SELECT failed: their status word is SELECT's, no counter was queried.
    unselectable_pins: HashSet<(AppId, String)>,
}

fn parse_date(s: &str) -> Option<Date> {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    if d.len() != 8 {
        return None;
    }
    let y: i32 = d[..4].parse().ok()?;
    let m: u8 = d[4..6].parse().ok()?;
    let day: u8 = d[6..].parse().ok()?;
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, day).ok()
}

/// Keeps the last four characters of an identifier.
pub fn mask(s: &str) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| if i + 4 < n || n <= 4 { '*' } else { c })
        .collect()
}

/// Printable ASCII only, for values that came from the card.
fn printable(b: &[u8]) -> Option<String> {
    b.iter()
        .all(|c| (0x20..0x7F).contains(c))
        .then(|| String::from_utf8_lossy(b).into_owned())
}

impl Auditor<'_> {
    fn ident(&self, s: &str) -> String {
        if self.opts.show_identifiers {
            s.to_string()
        } else {
            mask(s)
        }
    }

    fn walk<T: Transport>(&mut self, s: &mut Session<T>) -> Result<(), AuditError> {
        // A My Number Card is recognised by its JPKI application, never by its ATR: a
        // contactless ATR is made up by the reader (CF §5).
        let sw = s.select_df(chipmap::JPKI.aid)?;
        if !sw.is_ok() {
            return Err(AuditError::NotMyNumberCard {
                reader: s.reader_name().to_string(),
                sw: sw.hex(),
            });
        }
        self.report.is_my_number_card = true;
        // JPKI-AP is selected already: walk it first, then the others, then the MF level
        // (which also leaves the card in its power-on state).
        for app in APPLICATIONS {
            let selected = (app.id == AppId::Jpki).then_some(sw);
            self.application(s, app, selected)?;
        }
        self.master_file(s)
    }

    fn master_file<T: Transport>(&mut self, s: &mut Session<T>) -> Result<(), AuditError> {
        let sw = s.select_df(&ISD_AID)?;
        let mut mf = MasterFile {
            select_sw: sw.hex(),
            objects: Vec::new(),
        };
        if sw.is_ok() {
            for obj in &MF_OBJECTS {
                let r = s.get_data(obj.tag)?;
                let value = r.sw.is_ok().then(|| match obj.kind {
                    MfValue::Identifier => printable(&r.data).map(|v| self.ident(&v)),
                    MfValue::Text => printable(&r.data),
                    MfValue::Date => {
                        let d = printable(&r.data).and_then(|v| parse_date(&v));
                        if let Some(d) = d {
                            self.expiries.push((format!("GET DATA {:04X}", obj.tag), d));
                        }
                        d.map(cert::iso_date)
                    }
                    MfValue::Bytes => Some(crate::transport::spaced_hex(&r.data)),
                });
                mf.objects.push(MfObjectReport {
                    tag: format!("{:04X}", obj.tag),
                    label_ja: obj.label_ja.into(),
                    label_en: obj.label_en.into(),
                    sw: r.sw.hex(),
                    value: value.map(|v| {
                        v.unwrap_or_else(|| format!("({} bytes, not text)", r.data.len()))
                    }),
                });
                self.report.master_file = Some(mf.clone());
            }
        }
        self.report.master_file = Some(mf);
        Ok(())
    }

    fn application<T: Transport>(
        &mut self,
        s: &mut Session<T>,
        spec: &'static AppSpec,
        already_selected: Option<StatusWord>,
    ) -> Result<(), AuditError> {
        let sw = match already_selected {
            Some(sw) => sw,
            None => s.select_df(spec.aid)?,
        };
        self.report.applications.push(Application {
            id: spec.id,
            name_ja: spec.name_ja.into(),
            name_en: spec.name_en.into(),
            aid: hex::encode_upper(spec.aid),
            present: sw.is_ok(),
            select_sw: sw.hex(),
            note: spec.note.map(str::to_string),
            pins: Vec::new(),
            files: Vec::new(),
        });
        if !sw.is_ok() {
            return Ok(());
        }
        for pin in spec.pins {
            let row = self.pin(s, spec.id, pin)?;
            if let Some(app) = self.current_app() {
                app.pins.push(row);
            }
        }
        for f in spec.files {
            let row = self.file(s, spec, f)?;
            if let Some(app) = self.current_app() {
                app.files.push(row);
            }
        }
        Ok(())
    }

    fn current_app(&mut self) -> Option<&mut Application> {
        self.report.applications.last_mut()
    }

    fn pin<T: Transport>(
        &mut self,
        s: &mut Session<T>,
        app: AppId,
        pin: &chipmap::PinSpec,
    ) -> Result<Pin, AuditError> {
        let mut row = Pin {
            ef: ef_name(pin.ef),
            label_ja: pin.label_ja.into(),
            label_en: pin.label_en.into(),
            secret: pin.kind,
            format: pin.format.into(),
            max_tries: pin.max_tries,
            tries_remaining: None,
            blocked: false,
            status: PinStatus::Absent,
            sw: String::new(),
        };
        let sel = s.select_ef(pin.ef)?;
        if !sel.is_ok() {
            row.sw = sel.hex();
            self.unselectable_pins.insert((app, row.ef.clone()));
            row.status = if sel.kind() == SwKind::NotFound {
                PinStatus::Absent
            } else {
                PinStatus::Unknown
            };
            return Ok(row);
        }
        let sw = s.retry_counter()?;
        row.sw = sw.hex();
        (row.status, row.tries_remaining, row.blocked) = match sw.kind() {
            SwKind::TriesLeft(0) | SwKind::ReferenceDataBlocked => {
                let status = if pin.blocked_at_issue {
                    PinStatus::BlockedAtIssue
                } else {
                    PinStatus::Blocked
                };
                (status, Some(0), true)
            }
            SwKind::TriesLeft(n) => {
                let low = match pin.max_tries {
                    Some(max) => n < max,
                    None => n <= 1,
                };
                (
                    if low { PinStatus::Low } else { PinStatus::Ok },
                    Some(n),
                    false,
                )
            }
            SwKind::NoRetryLimit => (PinStatus::NoLimit, None, false),
            SwKind::Success => (PinStatus::NotReported, None, false),
            _ => (PinStatus::Unknown, None, false),
        };
        Ok(row)
    }

    fn file<T: Transport>(
        &mut self,
        s: &mut Session<T>,
        app: &'static AppSpec,
        f: &'static FileSpec,
    ) -> Result<FileReport, AuditError> {
        let (access, opened_by) = tier(app, f);
        let mut row = FileReport {
            ef: ef_name(f.ef),
            label_ja: f.label_ja.into(),
            label_en: f.label_en.into(),
            access,
            opened_by: opened_by.iter().map(|k| ef_name(*k)).collect(),
            present: None,
            readable_without_secret: None,
            size: None,
            sw: None,
            details: None,
            problem: None,
        };
        if f.structure == Structure::Key {
            // Private keys are never read and never probed.
            return Ok(row);
        }
        let sel = s.select_ef(f.ef)?;
        row.present = Some(sel.is_ok());
        if !sel.is_ok() {
            row.sw = Some(sel.hex());
            return Ok(row);
        }
        let free = f.access == Access::Free;
        match (f.structure, free) {
            (Structure::Transparent, true) => {
                let read = s.read_file(f.size)?;
                self.file_read(&mut row, f, read);
            }
            (Structure::Transparent, false) => {
                // One byte proves readability (9000) or protection (6982); nothing more is read.
                let r = s.read_binary(0, 1)?;
                row.sw = Some(r.sw.hex());
                row.readable_without_secret = Some(r.sw.is_ok());
            }
            (Structure::Record, _) => {
                let r = s.read_record(1)?;
                row.sw = Some(r.sw.hex());
                row.readable_without_secret = Some(r.sw.is_ok());
                if r.sw.is_ok() {
                    row.size = Some(r.data.len());
                    if free {
                        self.decode(&mut row, f, &r.data);
                    }
                }
            }
            (Structure::Key, _) => {}
        }
        Ok(row)
    }

    fn file_read(&mut self, row: &mut FileReport, f: &FileSpec, read: FileRead) {
        row.sw = Some(read.first_sw.hex());
        let readable = matches!(
            read.first_sw.kind(),
            SwKind::Success | SwKind::EndOfFileEarly
        );
        row.readable_without_secret = Some(readable);
        if !readable {
            return;
        }
        row.size = Some(read.data.len());
        row.problem = read.problem;
        if read.complete {
            self.decode(row, f, &read.data);
        }
    }

    fn decode(&mut self, row: &mut FileReport, f: &FileSpec, data: &[u8]) {
        let details = match f.content {
            Content::Certificate(role) => self.certificate(role, data),
            Content::TokenInfo => records::token_info(data).map(|mut t| {
                t.serial = self.ident(&t.serial);
                Details::TokenInfo(t)
            }),
            Content::CertAvailability => {
                records::cert_availability(data).map(Details::CertAvailability)
            }
            Content::CommonCardInfo => records::card_info(data).map(|mut c| {
                if let Some(d) = parse_date(&c.card_expiry) {
                    self.expiries.push(("共通AP EF 0001".into(), d));
                }
                c.card_serial = self.ident(&c.card_serial);
                Details::CardInfo(c)
            }),
            Content::ApBasicInfo => records::ap_basic_info(data).map(Details::ApBasicInfo),
            Content::CvCertificate => records::cv_certificate(data).map(Details::CvCertificate),
            Content::Opaque | Content::Protected => return,
        };
        match details {
            Ok(d) => row.details = Some(d),
            Err(e) => row.problem = Some(format!("could not decode: {e}")),
        }
    }

    fn certificate(&mut self, role: CertRole, der: &[u8]) -> Result<Details, String> {
        let parsed = cert::parse(der)?;
        self.certs.insert(role, der.to_vec());
        let mut summary = parsed.summary;
        // End-entity certificates identify the holder; CA certificates are the same on every card.
        if matches!(role, CertRole::Auth | CertRole::Sign) {
            summary.serial = self.ident(&summary.serial);
            if let Some(cn) = &parsed.subject_cn {
                summary.subject = summary.subject.replace(cn.as_str(), &self.ident(cn));
            }
        }
        let days = (parsed.not_after - self.opts.as_of).whole_days();
        Ok(Details::Certificate(CertificateDetails {
            role,
            summary,
            days_until_expiry: days,
            expired: days < 0,
            chains_to_card_ca: None,
        }))
    }

    /// Computes what depends on the whole walk: chains, exposure tiers, findings, notes.
    fn finish(&mut self) {
        self.chain_checks();
        self.exposure();
        self.findings();
        self.notes();
    }

    fn chain_checks(&mut self) {
        let pairs = [
            (CertRole::Auth, CertRole::AuthCa),
            (CertRole::Sign, CertRole::SignCa),
        ];
        for (ee, ca) in pairs {
            let (Some(ee_der), Some(ca_der)) = (self.certs.get(&ee), self.certs.get(&ca)) else {
                continue;
            };
            if self.opts.redacted_certificates.contains(&ee) {
                continue;
            }
            let verdict = cert::chains_to(ee_der, ca_der).ok();
            for app in &mut self.report.applications {
                for f in &mut app.files {
                    if let Some(Details::Certificate(c)) = &mut f.details {
                        if c.role == ee {
                            c.chains_to_card_ca = verdict;
                        }
                    }
                }
            }
        }
    }

    fn exposure(&mut self) {
        let mut ex = Exposure {
            no_secret: Vec::new(),
            card_surface: Vec::new(),
            pin_only: Vec::new(),
        };
        if let Some(mf) = &self.report.master_file {
            for o in mf.objects.iter().filter(|o| o.value.is_some()) {
                ex.no_secret.push(ExposureItem {
                    app: None,
                    item: format!("GET DATA {}", o.tag),
                    label_ja: o.label_ja.clone(),
                    label_en: o.label_en.clone(),
                    opened_by: Vec::new(),
                });
            }
        }
        for app in &self.report.applications {
            let Some(spec) = APPLICATIONS.iter().find(|s| s.id == app.id) else {
                continue;
            };
            for f in &app.files {
                let item = |opened_by: Vec<String>| ExposureItem {
                    app: Some(app.id),
                    item: format!("EF {}", f.ef),
                    label_ja: f.label_ja.clone(),
                    label_en: f.label_en.clone(),
                    opened_by,
                };
                // For the card-surface tier, name only the printed codes that open the file.
                let keys: Vec<String> = f
                    .opened_by
                    .iter()
                    .filter_map(|k| u16::from_str_radix(k, 16).ok())
                    .filter_map(|k| spec.pin(k))
                    .filter(|p| {
                        f.access != AccessTier::CardSurface || p.kind == SecretKind::CardSurface
                    })
                    .map(|p| format!("{} ({}, EF {:04X})", p.label_ja, p.label_en, p.ef))
                    .collect();
                // What the card answered decides the tier; the chip map only says which key.
                match (f.readable_without_secret, f.access) {
                    (Some(true), _) => ex.no_secret.push(item(Vec::new())),
                    (Some(false), AccessTier::CardSurface) => ex.card_surface.push(item(keys)),
                    (Some(false), AccessTier::Pin) => ex.pin_only.push(item(keys)),
                    _ => {}
                }
            }
        }
        self.report.exposure = ex;
    }

    fn add(
        &mut self,
        severity: Severity,
        code: &str,
        message: String,
        app: Option<AppId>,
        ef: Option<String>,
    ) {
        self.report.findings.push(Finding {
            severity,
            code: code.into(),
            message,
            app,
            ef,
        });
    }

    fn findings(&mut self) {
        let apps = self.report.applications.clone();
        for app in &apps {
            let Some(spec) = APPLICATIONS.iter().find(|s| s.id == app.id) else {
                continue;
            };
            let app_name = spec.label();
            for p in &app.pins {
                let reset = spec
                    .pin(u16::from_str_radix(&p.ef, 16).unwrap_or_default())
                    .map_or("", |s| s.reset);
                let who = format!("{app_name} {} {} (EF {})", p.label_en, p.label_ja, p.ef);
                match p.status {
                    PinStatus::Blocked => self.add(
                        Severity::Critical,
                        "pin_blocked",
                        format!("{who} is blocked (SW {}). Reset it at: {reset}.", p.sw),
                        Some(app.id),
                        Some(p.ef.clone()),
                    ),
                    PinStatus::Low => {
                        let left = p.tries_remaining.unwrap_or_default();
                        let of = p.max_tries.map(|m| format!(" of {m}")).unwrap_or_default();
                        let next = if left == 1 {
                            "the next wrong entry blocks it"
                        } else {
                            "wrong entries have been made"
                        };
                        self.add(
                            Severity::Warning,
                            "pin_low",
                            format!(
                                "{who} has {left}{of} tries left: {next}. A correct entry resets the count; \
                                 if it becomes blocked, reset it at: {reset}."
                            ),
                            Some(app.id),
                            Some(p.ef.clone()),
                        )
                    }
                    _ => {}
                }
            }
            for f in &app.files {
                if f.readable_without_secret == Some(true)
                    && matches!(f.access, AccessTier::Pin | AccessTier::CardSurface)
                {
                    self.add(
                        Severity::Warning,
                        "protected_file_readable",
                        format!(
                            "{app_name} EF {} {} ({}) should need a secret but answered {} to a read without one.",
                            f.ef,
                            f.label_ja,
                            f.label_en,
                            f.sw.as_deref().unwrap_or("?")
                        ),
                        Some(app.id),
                        Some(f.ef.clone()),
                    );
                }
                match &f.details {
                    Some(Details::Certificate(c)) => self.cert_findings(app, f, c),
                    Some(Details::CertAvailability(av)) if !av.signing_certificate_issued => self.add(
                        Severity::Notice,
                        "signing_certificate_not_issued",
                        format!(
                            "No signing certificate (署名用電子証明書) is issued on this card (EF 0008 = {}). \
                             It is not issued to holders under 15; others can apply at the municipal office.",
                            av.raw
                        ),
                        Some(app.id),
                        Some(f.ef.clone()),
                    ),
                    _ => {}
                }
            }
        }
        let expiries = self.expiries.clone();
        let as_of = self.opts.as_of;
        if let Some((from, d)) = expiries.iter().find(|(_, d)| *d < as_of) {
            self.add(
                Severity::Critical,
                "card_expired",
                format!(
                    "The card expired on {} ({from}). Apply for a new card at the municipal office.",
                    cert::iso_date(*d)
                ),
                None,
                None,
            );
        }
    }

    fn cert_findings(&mut self, app: &Application, f: &FileReport, c: &CertificateDetails) {
        let what = format!("{} {} (EF {})", f.label_en, f.label_ja, f.ef);
        if c.expired {
            self.add(
                Severity::Critical,
                "certificate_expired",
                format!(
                    "The {what} expired on {} ({} days ago). Renew it at the municipal office.",
                    c.summary.not_after, -c.days_until_expiry
                ),
                Some(app.id),
                Some(f.ef.clone()),
            );
        } else if c.days_until_expiry <= EXPIRY_WARNING_DAYS {
            self.add(
                Severity::Warning,
                "certificate_expiring",
                format!(
                    "The {what} expires on {} (in {} days). Renewal is possible at the municipal office from 3 months before.",
                    c.summary.not_after, c.days_until_expiry
                ),
                Some(app.id),
                Some(f.ef.clone()),
            );
        }
        if c.chains_to_card_ca == Some(false) {
            self.add(
                Severity::Warning,
                "certificate_chain_mismatch",
                format!("The {what} is not signed by the CA certificate read from the same card."),
                Some(app.id),
                Some(f.ef.clone()),
            );
        }
    }

    fn notes(&mut self) {
        let mut notes = Vec::new();
        for app in &self.report.applications {
            if !app.present {
                notes.push(format!(
                    "{} ({}) AID {} did not answer SELECT (SW {}).",
                    app.name_en, app.name_ja, app.aid, app.select_sw
                ));
            }
            for p in &app.pins {
                match p.status {
                    PinStatus::BlockedAtIssue => notes.push(format!(
                        "{} EF {} answers {}: this key reference is blocked when the card is issued, on every card examined; not a problem.",
                        app.name_en, p.ef, p.sw
                    )),
                    PinStatus::NotReported => notes.push(format!(
                        "{} EF {} answered 9000 to the retry-counter query: the card did not report a count (JICSAP leaves 9000 undefined here).",
                        app.name_en, p.ef
                    )),
                    PinStatus::Unknown => notes.push(format!(
                        "{} EF {} answered {} ({}) to {}; shown raw.",
                        app.name_en,
                        p.ef,
                        p.sw,
                        u16::from_str_radix(&p.sw, 16).map(|v| StatusWord(v).meaning()).unwrap_or_default(),
                        if self.unselectable_pins.contains(&(app.id, p.ef.clone())) {
                            "SELECT, so its retry counter was not queried"
                        } else {
                            "the retry-counter query"
                        }
                    )),
                    _ => {}
                }
            }
        }
        if self
            .opts
            .redacted_certificates
            .iter()
            .any(|r| self.certs.contains_key(r))
        {
            notes.push(
                "The authentication certificate's signature was not checked: this recorded fixture replaced \
                 identifying bytes in it (redacted: auth-certificate), so it cannot verify."
                    .into(),
            );
        }
        if self
            .report
            .applications
            .iter()
            .flat_map(|a| &a.pins)
            .any(|p| p.secret == SecretKind::CardSurface)
        {
            notes.push(
                "Retry limits of 照合番号A/B and the birth-date key are not established by public sources (10 or 3); \
                 the tries shown are what the card reported."
                    .into(),
            );
        }
        self.report.notes = notes;
    }
}

/// The weakest secret tier that opens a file, and the keys (chip map).
fn tier(app: &AppSpec, f: &FileSpec) -> (AccessTier, &'static [u16]) {
    match f.access {
        Access::Free => (AccessTier::Free, &[]),
        Access::Never => (AccessTier::Never, &[]),
        Access::Unknown => (AccessTier::Unknown, &[]),
        Access::Keys(keys) => {
            let surface = app.opened_from_card_surface(keys);
            (
                if surface {
                    AccessTier::CardSurface
                } else {
                    AccessTier::Pin
                },
                keys,
            )
        }
    }
}

impl AuditRun {
    /// The exit status of an audit outcome: failed when it could not finish (the report is
    /// partial), findings when there are any, else ok.
    pub fn exit(&self) -> crate::error::Exit {
        use crate::error::Exit;
        match &self.error {
            Some(_) => Exit::Failed,
            None if self.report.findings.is_empty() => Exit::Ok,
            None => Exit::Findings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_the_last_four() {
        assert_eq!(mask("400000012719843"), "***********9843");
        assert_eq!(mask("1234"), "****");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("20340401"),
            Date::from_calendar_date(2034, time::Month::April, 1).ok()
        );
        assert_eq!(
            parse_date("2034-04-01"),
            Date::from_calendar_date(2034, time::Month::April, 1).ok()
        );
        assert_eq!(parse_date("20341301"), None);
        assert_eq!(parse_date("2034"), None);
    }
}
