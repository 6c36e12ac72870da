//! Writes the fixture text format of docs/fixtures.md: header lines, then `>`/`<` exchanges
//! grouped under `#` comments. The helpers emit exactly the command forms replay models.

use std::fmt::Write as _;

/// Status words used in the fixtures (card-facts §1.2, §3.2, §3.3).
pub mod sw {
    pub const OK: [u8; 2] = [0x90, 0x00];
    pub const NOT_FOUND: [u8; 2] = [0x6A, 0x82];
    pub const SECURITY_NOT_SATISFIED: [u8; 2] = [0x69, 0x82];
    pub const WRONG_P1P2: [u8; 2] = [0x6B, 0x00];
    pub const DATA_NOT_FOUND: [u8; 2] = [0x6A, 0x88];
    pub const BLOCKED: [u8; 2] = [0x69, 0x84];

    /// `63Cx`: x tries left (`63C0`: blocked).
    pub const fn tries(x: u8) -> [u8; 2] {
        [0x63, 0xC0 | (x & 0x0F)]
    }
}

/// Largest READ BINARY chunk: short Le `00` means 256 (card-facts §1.3).
const CHUNK: usize = 256;

/// One fixture file being written.
#[derive(Debug, Default)]
pub struct Fixture {
    out: String,
}

/// Uppercase hex, bytes separated by spaces.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{b:02X}");
    }
    s
}

impl Fixture {
    pub fn new() -> Self {
        Fixture::default()
    }

    /// The finished text.
    pub fn finish(self) -> String {
        self.out
    }

    /// A `# text` line.
    pub fn comment(&mut self, text: &str) {
        let _ = writeln!(self.out, "# {text}");
    }

    /// A `key: value` header line.
    pub fn header(&mut self, key: &str, value: &str) {
        let _ = writeln!(self.out, "{key}: {value}");
    }

    pub fn blank(&mut self) {
        self.out.push('\n');
    }

    /// One `>` command line and its `<` response line (data then SW1 SW2).
    pub fn exchange(&mut self, command: &[u8], data: &[u8], sw: [u8; 2]) {
        let mut response = data.to_vec();
        response.extend(sw);
        let _ = writeln!(self.out, "> {}", hex(command));
        let _ = writeln!(self.out, "< {}", hex(&response));
    }

    /// SELECT by DF name without FCI: `00 A4 04 0C Lc name` (card-facts §1.2).
    pub fn select_df(&mut self, name: &[u8], sw: [u8; 2]) {
        let mut cmd = vec![0x00, 0xA4, 0x04, 0x0C, name.len() as u8];
        cmd.extend_from_slice(name);
        self.exchange(&cmd, &[], sw);
    }

    /// SELECT EF under the current DF: `00 A4 02 0C 02 FID` (card-facts §1.2).
    pub fn select_ef(&mut self, fid: u16, sw: [u8; 2]) {
        let [hi, lo] = fid.to_be_bytes();
        self.exchange(&[0x00, 0xA4, 0x02, 0x0C, 0x02, hi, lo], &[], sw);
    }

    /// GET DATA `00 CA P1 P2 00` (card-facts §1.3, §2.6).
    pub fn get_data(&mut self, tag: u16, data: &[u8], sw: [u8; 2]) {
        let [p1, p2] = tag.to_be_bytes();
        self.exchange(&[0x00, 0xCA, p1, p2, 0x00], data, sw);
    }

    /// The whole of a free transparent EF as a card gives it: READ BINARY
    /// `00 B0 off_hi off_lo 00` (Le 256) in chunks of 256 bytes, the last one answered with
    /// the bytes left and `9000` (ISO 7816-4 lets a card end a file so; this is what the
    /// audit's first 256-byte read of a short file gets), then one 1-byte read at offset =
    /// file length answered `6B00`. Replay learns the end of the file from both
    /// (docs/fixtures.md, "How replay answers"; card-facts §1.2).
    pub fn read_whole(&mut self, content: &[u8]) {
        for (i, chunk) in content.chunks(CHUNK).enumerate() {
            let [hi, lo] = ((i * CHUNK) as u16).to_be_bytes();
            self.exchange(&[0x00, 0xB0, hi, lo, 0x00], chunk, sw::OK);
        }
        let [hi, lo] = (content.len() as u16).to_be_bytes();
        self.exchange(&[0x00, 0xB0, hi, lo, 0x01], &[], sw::WRONG_P1P2);
    }

    /// A READ BINARY that the card refuses, e.g. `6982` (security status not satisfied).
    pub fn read_refused(&mut self, sw: [u8; 2]) {
        self.exchange(&[0x00, 0xB0, 0x00, 0x00, 0x01], &[], sw);
    }

    /// READ RECORD `00 B2 rec 04 00` of the current EF (card-facts §1.3).
    pub fn read_record(&mut self, record: u8, data: &[u8]) {
        self.exchange(&[0x00, 0xB2, record, 0x04, 0x00], data, sw::OK);
    }

    /// The retry-counter query: VERIFY with no Lc and no data, `00 20 00 80`, exactly four
    /// bytes. It spends no try (card-facts §3.3). A fixture never holds a VERIFY with data:
    /// there is deliberately no way to write one here.
    pub fn retry_counter(&mut self, sw: [u8; 2]) {
        self.exchange(&[0x00, 0x20, 0x00, 0x80], &[], sw);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_chunked_end_short_and_then_6b00() {
        let mut f = Fixture::new();
        f.read_whole(&[0xAB; 300]);
        let text = f.finish();
        let commands: Vec<&str> = text.lines().filter(|l| l.starts_with('>')).collect();
        assert_eq!(
            commands,
            ["> 00 B0 00 00 00", "> 00 B0 01 00 00", "> 00 B0 01 2C 01"]
        );
        // The last chunk: 44 bytes to a read of 256, and 9000.
        let last = text.lines().filter(|l| l.starts_with('<')).nth(1).unwrap();
        assert_eq!(last.split(' ').count(), 1 + 44 + 2, "{last}");
        assert!(last.ends_with("90 00"));
        assert!(text.ends_with("< 6B 00\n"));
    }
}
