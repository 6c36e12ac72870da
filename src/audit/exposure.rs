//! The three exposure tiers: what anyone holding the card reads, what the printed card
//! opens, and what only a memorised PIN opens. Pure: what the card answered decides the
//! tier; the chip map only says which key opens a file.

use crate::card::chipmap::{APPLICATIONS, AppSpec, SecretKind};
use crate::report::{AccessTier, ExposedItem, Exposure, ExposureItem, FileReport, Report};

pub fn exposure(report: &Report) -> Exposure {
    let mut ex = Exposure {
        no_secret: Vec::new(),
        card_surface: Vec::new(),
        pin_only: Vec::new(),
    };
    if let Some(mf) = &report.master_file {
        for o in mf.objects.iter().filter(|o| o.value.is_some()) {
            ex.no_secret.push(ExposureItem {
                app: None,
                item: ExposedItem::GetData(o.tag),
                label_ja: o.label_ja.clone(),
                label_en: o.label_en.clone(),
                opened_by: Vec::new(),
            });
        }
    }
    for app in &report.applications {
        let Some(spec) = APPLICATIONS.iter().find(|s| s.id == app.id) else {
            continue;
        };
        for f in &app.files {
            let item = |opened_by: Vec<String>| ExposureItem {
                app: Some(app.id),
                item: ExposedItem::Ef(f.ef),
                label_ja: f.label_ja.clone(),
                label_en: f.label_en.clone(),
                opened_by,
            };
            match (f.readable_without_secret, f.access) {
                (Some(true), _) => ex.no_secret.push(item(Vec::new())),
                (Some(false), AccessTier::CardSurface) => ex.card_surface.push(item(keys(spec, f))),
                (Some(false), AccessTier::Pin) => ex.pin_only.push(item(keys(spec, f))),
                _ => {}
            }
        }
    }
    ex
}

/// The keys that open a file, named; for the card-surface tier only the printed codes.
fn keys(spec: &AppSpec, f: &FileReport) -> Vec<String> {
    f.opened_by
        .iter()
        .filter_map(|k| spec.pin(k.0))
        .filter(|p| f.access != AccessTier::CardSurface || p.kind == SecretKind::CardSurface)
        .map(|p| format!("{} ({}, EF {:04X})", p.label_ja, p.label_en, p.ef))
        .collect()
}
