//! The walk: the only part of the audit that talks to the card. It follows the chip map
//! over a read-only [`Session`], fills the report's rows with what the card answered and
//! keeps the evidence (certificate bytes, expiry dates) that the judgements need.

// Card answers and fixture bytes are untrusted: no indexing that could panic
// (docs/safety.md, "Never crash").
#![deny(clippy::indexing_slicing)]

use time::Date;

use super::{AuditError, AuditOptions, Evidence};
use crate::card::chipmap::{
    self, APPLICATIONS, Access, AppId, AppSpec, CertRole, Content, FileSpec, MF_OBJECTS, MfValue,
    Structure,
};
use crate::card::identify::{Identity, identify};
use crate::card::ids::{Aid, DataTag, Ef};
use crate::card::session::{FileRead, Session};
use crate::decode::{cert, records};
use crate::report::*;
use crate::sw::{StatusWord, SwKind};
use crate::transport::Transport;
use crate::transport::replay::ISD_AID;

/// What the walk produced: the report's rows, the evidence, and how the walk ended.
pub struct Walked {
    pub report: Report,
    pub evidence: Evidence,
    pub result: Result<(), AuditError>,
}

/// Walks the card: JPKI-AP (identifying it), the other applications, then the MF level.
pub fn walk<T: Transport>(session: &mut Session<T>, opts: &AuditOptions) -> Walked {
    let mut w = Walker {
        opts,
        report: empty_report(session.reader_name(), session.atr(), opts),
        evidence: Evidence::default(),
        token_info: None,
    };
    let result = w.walk(session);
    Walked {
        report: w.report,
        evidence: w.evidence,
        result,
    }
}

/// The report before anything was read from the card.
pub(super) fn empty_report(reader: &str, atr: &[u8], opts: &AuditOptions) -> Report {
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        as_of: cert::iso_date(opts.as_of),
        source: opts.source.clone(),
        reader: Reader {
            name: reader.to_string(),
            atr: hex::encode_upper(atr),
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
        genuine: None,
        findings: Vec::new(),
        notes: Vec::new(),
        apdu_count: 0,
        complete: false,
        error: None,
    }
}

struct Walker<'o> {
    opts: &'o AuditOptions,
    report: Report,
    evidence: Evidence,
    /// JPKI-AP's token information as read: what tells a card put back on the reader
    /// from another one with the same ATR ([`Walker::held`]).
    token_info: Option<Vec<u8>>,
}

/// Reads a date written as 8 digits (`20340401`, separators allowed).
pub(crate) fn parse_date(s: &str) -> Option<Date> {
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

impl Walker<'_> {
    fn ident(&self, s: &str) -> String {
        if self.opts.show_identifiers {
            s.to_string()
        } else {
            mask(s)
        }
    }

    /// The whole walk holds the card for this client alone (one PC/SC transaction from the
    /// identification to the MF level: pcsc-lite's lock is not fair, so taking it once per
    /// application let a busy client stretch an audit from 0.25 s to minutes), and lets go
    /// at the end whatever happened.
    fn walk<T: Transport>(&mut self, s: &mut Session<T>) -> Result<(), AuditError> {
        let result = self.walk_held(s);
        s.end_exclusive();
        result
    }

    fn walk_held<T: Transport>(&mut self, s: &mut Session<T>) -> Result<(), AuditError> {
        // A My Number Card is recognised by its JPKI application, never by its ATR: a
        // contactless ATR is made up by the reader (CF §5).
        let reader = s.reader_name().to_string();
        // Held through the identification and JPKI-AP's walk (see `held`); a reset since
        // the card was connected shows here, and costs nothing to get past.
        if let Err(e) = s.begin_exclusive() {
            if e != crate::transport::TransportError::CardReset || !s.reattach(&e)? {
                return Err(e.into());
            }
            s.begin_exclusive()?;
        }
        let sw = match identify(s)? {
            Identity::MyNumberCard => StatusWord::OK,
            Identity::NotMyNumberCard(sw) => {
                return Err(AuditError::NotMyNumberCard {
                    reader,
                    sw: sw.hex(),
                });
            }
            Identity::Unidentified(sw) => {
                return Err(AuditError::Unidentified {
                    reader,
                    sw: sw.hex(),
                });
            }
        };
        self.report.is_my_number_card = true;
        // JPKI-AP is selected already: walk it first, then the others, then the MF level
        // (which also leaves the card in its power-on state).
        for app in APPLICATIONS {
            let selected = (app.id == AppId::Jpki).then_some(sw);
            self.held(s, |w, s, lost| {
                w.application(s, app, selected.filter(|_| !lost))
            })?;
        }
        self.held(s, |w, s, _| w.master_file(s))
    }

    /// Walks one part of the card (an application, the MF level) holding the card for this
    /// client alone (a PC/SC transaction, kept to the end of the walk: other programs wait). When a reset by another
    /// program, or the card slipping off the reader and coming back (where the transport
    /// waits for it), interrupts the part, it is walked again from its SELECT (`lost`:
    /// nothing is selected any more) — once: a retry-counter query is never sent more than
    /// twice, and only what the read-only guard lets through is ever sent. A card put back
    /// is first confirmed to be the same one.
    fn held<T: Transport>(
        &mut self,
        s: &mut Session<T>,
        mut part: impl FnMut(&mut Self, &mut Session<T>, bool) -> Result<(), AuditError>,
    ) -> Result<(), AuditError> {
        use crate::transport::TransportError::{CardRemoved, CardReset};
        let (mut lost, mut redone, mut confirm) = (false, false, false);
        let mut last = CardReset;
        for _ in 0..3 {
            let saved = (self.report.applications.len(), self.evidence.clone());
            let sent = s.apdu_count();
            let result = match s.begin_exclusive() {
                Ok(()) if confirm => self.same_card(s).and_then(|()| part(self, s, lost)),
                Ok(()) => part(self, s, lost),
                Err(e) => Err(e.into()),
            };
            let e = match result {
                Err(AuditError::Transport(e @ (CardReset | CardRemoved))) => e,
                other => return other,
            };
            // Let go before waiting for the card or reconnecting; taken again above.
            s.end_exclusive();
            let started = s.apdu_count() > sent;
            if (started && redone) || !s.reattach(&e)? {
                return Err(e.into());
            }
            redone |= started;
            confirm |= e == CardRemoved;
            lost = true;
            self.report.applications.truncate(saved.0);
            self.evidence = saved.1;
            last = e;
        }
        Err(last.into())
    }

    /// The card put back after a slip is the one audited so far: its JPKI token
    /// information (which carries the token serial) reads the same. Before it was read,
    /// the equal ATR is all there is to compare (the transport compared it).
    fn same_card<T: Transport>(&mut self, s: &mut Session<T>) -> Result<(), AuditError> {
        let Some(seen) = self.token_info.clone() else {
            return Ok(());
        };
        let other = |why: &str| {
            AuditError::Transport(crate::transport::TransportError::OtherCard { why: why.into() })
        };
        let Some(f) = chipmap::JPKI
            .files
            .iter()
            .find(|f| f.content == Content::TokenInfo)
        else {
            return Ok(());
        };
        if !s.select_df(chipmap::JPKI.aid)?.is_ok() || !s.select_ef(f.ef)?.is_ok() {
            return Err(other("its JPKI token information cannot be selected"));
        }
        if s.read_file(f.size)?.data != seen {
            return Err(other("its JPKI token information differs"));
        }
        Ok(())
    }

    fn master_file<T: Transport>(&mut self, s: &mut Session<T>) -> Result<(), AuditError> {
        let sw = s.select_df(&ISD_AID)?;
        let mut mf = MasterFile {
            select_sw: sw,
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
                            self.evidence
                                .expiries
                                .push((format!("GET DATA {:04X}", obj.tag), d));
                        }
                        d.map(cert::iso_date)
                    }
                    MfValue::Bytes => Some(crate::transport::spaced_hex(&r.data)),
                });
                mf.objects.push(MfObjectReport {
                    tag: DataTag(obj.tag),
                    label_ja: obj.label_ja.into(),
                    label_en: obj.label_en.into(),
                    sw: r.sw,
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
            aid: Aid::from(spec.aid),
            present: sw.is_ok(),
            select_sw: sw,
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
        let row = |sw: StatusWord, status: PinStatus, tries_remaining: Option<u8>| Pin {
            ef: Ef(pin.ef),
            label_ja: pin.label_ja.into(),
            label_en: pin.label_en.into(),
            secret: pin.kind,
            format: pin.format.into(),
            max_tries: pin.max_tries,
            tries_remaining,
            blocked: matches!(status, PinStatus::Blocked | PinStatus::BlockedAtIssue),
            status,
            sw,
            reading: None,
        };
        let sel = s.select_ef(pin.ef)?;
        if !sel.is_ok() {
            self.evidence.unselectable_pins.insert((app, Ef(pin.ef)));
            let status = if sel.kind() == SwKind::NotFound {
                PinStatus::Absent
            } else {
                PinStatus::Unknown
            };
            return Ok(row(sel, status, None));
        }
        let sw = s.retry_counter()?;
        let (status, tries) = pin_state(pin, sw);
        Ok(row(sw, status, tries))
    }

    fn file<T: Transport>(
        &mut self,
        s: &mut Session<T>,
        app: &'static AppSpec,
        f: &'static FileSpec,
    ) -> Result<FileReport, AuditError> {
        let (access, opened_by) = tier(app, f);
        let mut row = FileReport {
            ef: Ef(f.ef),
            label_ja: f.label_ja.into(),
            label_en: f.label_en.into(),
            access,
            opened_by: opened_by.iter().copied().map(Ef).collect(),
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
            row.sw = Some(sel);
            return Ok(row);
        }
        let free = f.access == Access::Free;
        // Files the chip map says need a secret: a read that succeeds without one is checked
        // again before it is believed.
        let protected = matches!(f.access, Access::Keys(_));
        match (f.structure, free) {
            (Structure::Transparent, true) => {
                let read = s.read_file(f.size)?;
                self.file_read(&mut row, f, read);
            }
            (Structure::Transparent, false) => {
                // One byte proves readability (9000) or protection (6982); nothing more is read.
                let mut sw = s.read_binary(0, 1)?.sw;
                if sw.is_ok() && protected {
                    sw = self.recheck(s, app, f, |s| Ok(s.read_binary(0, 1)?.sw))?;
                }
                row.sw = Some(sw);
                row.readable_without_secret = Some(sw.is_ok());
            }
            (Structure::Record, _) => {
                let mut r = s.read_record(1)?;
                if r.sw.is_ok() && protected {
                    let mut again = None;
                    let sw = self.recheck(s, app, f, |s| {
                        let r2 = s.read_record(1)?;
                        let sw = r2.sw;
                        again = Some(r2);
                        Ok(sw)
                    })?;
                    if !sw.is_ok() {
                        r = again.unwrap_or(r);
                    }
                }
                row.sw = Some(r.sw);
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

    /// A protected file answered 9000 to a read without a secret. Another program may have
    /// presented a PIN in this application (a VERIFY stays in effect until the DF is left,
    /// docs/card-facts.md §9), so the application is SELECTed again — which drops any such
    /// security state — and the file read once more. The second answer is the one reported;
    /// a difference is kept for a note.
    fn recheck<T: Transport>(
        &mut self,
        s: &mut Session<T>,
        app: &AppSpec,
        f: &FileSpec,
        read: impl FnOnce(&mut Session<T>) -> Result<StatusWord, crate::transport::TransportError>,
    ) -> Result<StatusWord, AuditError> {
        let sel = s.select_df(app.aid)?;
        let sel_ef = if sel.is_ok() { s.select_ef(f.ef)? } else { sel };
        if !sel_ef.is_ok() {
            // The re-check could not be made: the first answer stands.
            return Ok(StatusWord::OK);
        }
        let sw = read(s)?;
        if !sw.is_ok() {
            self.evidence.rechecked.push((app.id, Ef(f.ef), sw));
        }
        Ok(sw)
    }

    fn file_read(&mut self, row: &mut FileReport, f: &FileSpec, read: FileRead) {
        row.sw = Some(read.first_sw);
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
                self.token_info.get_or_insert_with(|| data.to_vec());
                t.serial = self.ident(&t.serial);
                Details::TokenInfo(t)
            }),
            Content::CertAvailability => {
                records::cert_availability(data).map(Details::CertAvailability)
            }
            Content::CommonCardInfo => records::card_info(data).map(|mut c| {
                if let Some(d) = parse_date(&c.card_expiry) {
                    self.evidence.expiries.push(("共通AP EF 0001".into(), d));
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
        self.evidence.certs.insert(role, der.to_vec());
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
            genuine: None,
            jlis_ca: None,
        }))
    }
}

/// What a retry-counter answer says about a key: its state and the tries left.
fn pin_state(pin: &chipmap::PinSpec, sw: StatusWord) -> (PinStatus, Option<u8>) {
    match sw.kind() {
        // 63C0 counts down to zero; 6984 ("not usable") carries no count at all.
        SwKind::TriesLeft(0) | SwKind::ReferenceDataBlocked => {
            let status = if pin.blocked_at_issue {
                PinStatus::BlockedAtIssue
            } else {
                PinStatus::Blocked
            };
            let tries = (sw.kind() == SwKind::TriesLeft(0)).then_some(0);
            (status, tries)
        }
        SwKind::TriesLeft(n) => {
            let low = match pin.max_tries {
                Some(max) => n < max,
                None => n <= 1,
            };
            (if low { PinStatus::Low } else { PinStatus::Ok }, Some(n))
        }
        SwKind::NoRetryLimit => (PinStatus::NoLimit, None),
        SwKind::Success => (PinStatus::NotReported, None),
        _ => (PinStatus::Unknown, None),
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
