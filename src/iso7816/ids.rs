//! Typed card identifiers for the report model: file ids, GET DATA tags, AIDs and status
//! words. Each serialises to the upper-case hex string the JSON report has always carried
//! (`"000A"`, `"00F0"`, `"D392F000260100000001"`, `"9000"`), so the schema is unchanged while
//! the code handles numbers, not strings.

use std::fmt;
use std::str::FromStr;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::sw::StatusWord;

/// Parses exactly four hex digits.
fn parse_u16(s: &str) -> Result<u16, String> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("'{s}' is not four hex digits"));
    }
    u16::from_str_radix(s, 16).map_err(|e| e.to_string())
}

/// A 16-bit value shown as four upper-case hex digits in reports and JSON.
macro_rules! hex16 {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u16);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{:04X}", self.0)
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                parse_u16(s).map($name)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(D::Error::custom)
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                parse_u16(other).is_ok_and(|v| v == self.0)
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                *self == other.as_str()
            }
        }
    };
}

hex16!(
    /// An elementary file's identifier (`000A`), or a key object's.
    Ef
);
hex16!(
    /// A master-file GET DATA object's tag (`00F0`).
    DataTag
);

impl Serialize for StatusWord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for StatusWord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_u16(&s).map(StatusWord).map_err(D::Error::custom)
    }
}

impl PartialEq<&str> for StatusWord {
    fn eq(&self, other: &&str) -> bool {
        parse_u16(other).is_ok_and(|v| v == self.0)
    }
}

impl PartialEq<String> for StatusWord {
    fn eq(&self, other: &String) -> bool {
        *self == other.as_str()
    }
}

/// An application identifier, shown as upper-case hex.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Aid(pub Vec<u8>);

impl fmt::Display for Aid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode_upper(&self.0))
    }
}

impl From<&[u8]> for Aid {
    fn from(b: &[u8]) -> Self {
        Aid(b.to_vec())
    }
}

impl Serialize for Aid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Aid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        hex::decode(&s).map(Aid).map_err(D::Error::custom)
    }
}

impl PartialEq<&str> for Aid {
    fn eq(&self, other: &&str) -> bool {
        hex::decode(other).is_ok_and(|v| v == self.0)
    }
}

impl PartialEq<String> for Aid {
    fn eq(&self, other: &String) -> bool {
        *self == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialise_as_the_hex_strings_of_schema_1() {
        let v = serde_json::json!({
            "ef": Ef(0x000A), "tag": DataTag(0x00F0), "sw": StatusWord(0x63C3),
            "aid": Aid(vec![0xD3, 0x92, 0xF0]),
        });
        assert_eq!(
            v.to_string(),
            r#"{"aid":"D392F0","ef":"000A","sw":"63C3","tag":"00F0"}"#
        );
    }

    #[test]
    fn round_trip_and_reject_malformed() {
        let ef: Ef = serde_json::from_str("\"001B\"").unwrap();
        assert_eq!(ef, Ef(0x1B));
        assert!(serde_json::from_str::<Ef>("\"1B\"").is_err());
        assert!(serde_json::from_str::<Ef>("\"00G0\"").is_err());
        assert!(serde_json::from_str::<StatusWord>("\"90000\"").is_err());
        let aid: Aid = serde_json::from_str("\"A0000001510000\"").unwrap();
        assert_eq!(aid.to_string(), "A0000001510000");
        assert!(serde_json::from_str::<Aid>("\"A0Z\"").is_err());
    }

    #[test]
    fn compare_with_hex_text() {
        assert_eq!(Ef(0x18), "0018");
        assert_eq!(StatusWord(0x6A82), "6a82");
        assert!(Ef(0x18) != "18");
        assert_eq!(Aid(vec![0xA0, 0x01]), "A001");
    }
}
