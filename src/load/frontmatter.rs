//! Splitting `+++` TOML front matter from a markdown body.

/// Where the front matter and body are in a file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Byte range of the TOML between the `+++` lines.
    pub front: std::ops::Range<usize>,
    /// Byte offset where the markdown body starts.
    pub body: usize,
}

/// Why a file has no usable front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with a `+++` line.
    Missing,
    /// The opening `+++` has no closing `+++` line.
    Unclosed,
}

/// Find the front matter: the file must start with a line `+++` and the
/// front matter ends at the next line that is exactly `+++`. CRLF line
/// endings and trailing spaces on the fence lines are accepted.
pub fn split(text: &str) -> Result<Split, SplitError> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().ok_or(SplitError::Missing)?;
    if first.trim_end() != "+++" {
        return Err(SplitError::Missing);
    }
    let front_start = first.len();
    let mut offset = front_start;
    for line in lines {
        if line.trim_end() == "+++" {
            return Ok(Split {
                front: front_start..offset,
                body: offset + line.len(),
            });
        }
        offset += line.len();
    }
    Err(SplitError::Unclosed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lf_and_crlf() {
        let t = "+++\ntitle = \"a\"\n+++\nbody";
        let s = split(t).unwrap();
        assert_eq!(&t[s.front.clone()], "title = \"a\"\n");
        assert_eq!(&t[s.body..], "body");
        let t = "+++\r\ntitle = \"a\"\r\n+++\r\nbody";
        let s = split(t).unwrap();
        assert_eq!(&t[s.front.clone()], "title = \"a\"\r\n");
        assert_eq!(&t[s.body..], "body");
    }

    #[test]
    fn errors() {
        assert_eq!(split(""), Err(SplitError::Missing));
        assert_eq!(split("# hi"), Err(SplitError::Missing));
        assert_eq!(split("+++\ntitle = 1\n"), Err(SplitError::Unclosed));
        assert_eq!(split("+++\n+++").unwrap().body, 7);
    }
}
