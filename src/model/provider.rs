//! Providers: one organisation or team per `content/providers/<id>.toml`.

use super::Date;
use crate::diagnostics::SourceFile;
use serde::Deserialize;
use toml::Spanned;

/// A provider file as the editor wrote it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderData {
    pub name: Option<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub illustrative: bool,
    pub verified: Option<Spanned<Date>>,
    #[serde(default)]
    pub services: Vec<Spanned<String>>,
    #[serde(default)]
    pub conditions: Vec<Spanned<String>>,
    #[serde(default)]
    pub settings: Vec<Spanned<String>>,
    pub address: Option<Address>,
    pub phone: Option<Spanned<String>>,
    pub out_of_hours_phone: Option<Spanned<String>>,
    pub email: Option<Spanned<String>>,
    pub website: Option<Spanned<String>>,
    #[serde(default)]
    pub opening_hours: OpeningHours,
    #[serde(default)]
    pub areas_served: Vec<Spanned<String>>,
    #[serde(default)]
    pub referral: Referral,
    #[serde(default)]
    pub funding: Funding,
    pub cqc: Option<Cqc>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub accessibility: String,
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    #[serde(default)]
    pub lines: Vec<String>,
    #[serde(default)]
    pub town: String,
    pub postcode: Option<Spanned<String>>,
}

/// Opening hours: `open_24_hours = true`, or a string per weekday.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningHours {
    #[serde(default)]
    pub open_24_hours: bool,
    pub monday: Option<String>,
    pub tuesday: Option<String>,
    pub wednesday: Option<String>,
    pub thursday: Option<String>,
    pub friday: Option<String>,
    pub saturday: Option<String>,
    pub sunday: Option<String>,
    #[serde(default)]
    pub notes: String,
}

impl OpeningHours {
    /// Hours per weekday, Monday first (`None` = closed or not given).
    pub fn days(&self) -> [Option<&str>; 7] {
        [
            self.monday.as_deref(),
            self.tuesday.as_deref(),
            self.wednesday.as_deref(),
            self.thursday.as_deref(),
            self.friday.as_deref(),
            self.saturday.as_deref(),
            self.sunday.as_deref(),
        ]
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    #[serde(default)]
    pub routes: Vec<Spanned<String>>,
    #[serde(default)]
    pub how: String,
    #[serde(default)]
    pub have_ready: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    #[serde(default)]
    pub types: Vec<Spanned<String>>,
    #[serde(default)]
    pub cost_notes: String,
}

/// The provider's registration with the Care Quality Commission.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cqc {
    pub location_id: Option<Spanned<String>>,
    pub rating: Option<Spanned<String>>,
    pub rated: Option<Spanned<Date>>,
    pub safe: Option<Spanned<String>>,
    pub effective: Option<Spanned<String>>,
    pub caring: Option<Spanned<String>>,
    pub responsive: Option<Spanned<String>>,
    pub well_led: Option<Spanned<String>>,
    /// When the CQC last checked the location (set by `carehub import cqc`).
    pub checked: Option<Spanned<Date>>,
    /// The regulator's page for the location (set by `carehub import cqc`).
    pub url: Option<Spanned<String>>,
}

impl Cqc {
    /// The five key questions in order, with their ratings where known.
    pub fn questions(&self) -> [(&'static str, Option<&Spanned<String>>); 5] {
        [
            ("safe", self.safe.as_ref()),
            ("effective", self.effective.as_ref()),
            ("caring", self.caring.as_ref()),
            ("responsive", self.responsive.as_ref()),
            ("well_led", self.well_led.as_ref()),
        ]
    }
}

/// A loaded provider file.
#[derive(Debug, Clone)]
pub struct Provider {
    pub src: SourceFile,
    /// The file stem, e.g. `ouzel-valley-hospice`.
    pub id: String,
    pub data: ProviderData,
}

impl Provider {
    pub fn name(&self) -> &str {
        self.data
            .name
            .as_ref()
            .map(|n| n.get_ref().as_str())
            .unwrap_or(&self.id)
    }

    pub fn path(&self) -> String {
        format!("providers/{}/", self.id)
    }
}
