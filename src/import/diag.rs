//! Errors from an import: each names the file, the place in it, what is
//! wrong and what to do about it.

use std::fmt;
use std::path::{Path, PathBuf};

/// The most problems reported for one input file before the rest are
/// summarised, so a wholly wrong file does not flood the terminal.
pub(crate) const MAX_PROBLEMS_PER_FILE: usize = 20;

/// One thing wrong with one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file at fault, as given on the command line or found in the site.
    pub file: PathBuf,
    /// The sheet, for spreadsheet files.
    pub sheet: Option<Box<str>>,
    /// 1-based line (or spreadsheet row), where known.
    pub line: Option<usize>,
    /// 1-based column (in characters), where known.
    pub column: Option<usize>,
    /// What is wrong, in plain words.
    pub message: String,
    /// How to fix it.
    pub hint: Option<Box<str>>,
}

impl Problem {
    /// A problem with a whole file.
    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_path_buf(),
            sheet: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
        }
    }

    /// A problem on one line of a file.
    pub fn at_line(file: &Path, line: usize, message: impl Into<String>) -> Self {
        Problem {
            line: Some(line),
            ..Problem::file(file, message)
        }
    }

    /// Adds the column.
    pub fn column(mut self, column: usize) -> Self {
        self.column = Some(column);
        self
    }

    /// Adds the spreadsheet sheet name.
    pub fn sheet(mut self, sheet: Option<&str>) -> Self {
        self.sheet = sheet.map(Box::from);
        self
    }

    /// Adds a hint saying how to fix the problem.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into().into_boxed_str());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        match (&self.sheet, self.line) {
            (Some(sheet), Some(line)) => write!(f, " (sheet \"{sheet}\", row {line})")?,
            (Some(sheet), None) => write!(f, " (sheet \"{sheet}\")")?,
            (None, Some(line)) => {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            (None, None) => {}
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// What kind of failure an [`ImportError`] is, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command was given something unusable: a missing file, no site.
    Usage,
    /// An input file or a provider file is wrong; nothing was written.
    Data,
    /// Writing the updated provider files failed.
    Write,
}

/// Why an import refused to run or stopped. Nothing on disk is changed by a
/// `Usage` or `Data` error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// What kind of failure this is.
    pub kind: ErrorKind,
    /// Every problem found, in file order.
    pub problems: Vec<Problem>,
}

impl ImportError {
    /// A usage error with one problem.
    pub fn usage(problem: Problem) -> Self {
        ImportError {
            kind: ErrorKind::Usage,
            problems: vec![problem],
        }
    }

    /// The process exit code for this error: 2 for usage, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Usage => 2,
            ErrorKind::Data | ErrorKind::Write => 1,
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {problem}")?;
        }
        match self.kind {
            ErrorKind::Usage => {}
            ErrorKind::Data => write!(
                f,
                "\n{} error{} found; no provider file was changed.",
                self.problems.len(),
                if self.problems.len() == 1 { "" } else { "s" }
            )?,
            ErrorKind::Write => {}
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

/// Collects problems for one file, keeping at most [`MAX_PROBLEMS_PER_FILE`]
/// and counting the rest.
#[derive(Debug)]
pub(crate) struct ProblemList {
    file: PathBuf,
    sheet: Option<String>,
    kept: Vec<Problem>,
    dropped: usize,
}

impl ProblemList {
    pub(crate) fn new(file: &Path) -> Self {
        ProblemList {
            file: file.to_path_buf(),
            sheet: None,
            kept: Vec::new(),
            dropped: 0,
        }
    }

    pub(crate) fn set_sheet(&mut self, sheet: Option<&str>) {
        self.sheet = sheet.map(str::to_string);
    }

    pub(crate) fn push(&mut self, problem: Problem) {
        if self.kept.len() < MAX_PROBLEMS_PER_FILE {
            self.kept.push(problem);
        } else {
            self.dropped += 1;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    pub(crate) fn into_vec(mut self) -> Vec<Problem> {
        if self.dropped > 0 {
            let sheet = self.sheet.clone();
            self.kept.push(
                Problem::file(
                    &self.file,
                    format!("{} more problems not shown", self.dropped),
                )
                .sheet(sheet.as_deref()),
            );
        }
        self.kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_column_and_hint() {
        let p = Problem::at_line(Path::new("a/b.toml"), 3, "bad")
            .column(7)
            .hint("fix it");
        assert_eq!(p.to_string(), "a/b.toml:3:7: bad\n  hint: fix it");
        let s = Problem::at_line(Path::new("r.ods"), 9, "bad").sheet(Some("Locations"));
        assert_eq!(s.to_string(), "r.ods (sheet \"Locations\", row 9): bad");
    }

    #[test]
    fn problem_list_caps_and_summarises() {
        let mut list = ProblemList::new(Path::new("x.csv"));
        for i in 0..(MAX_PROBLEMS_PER_FILE + 3) {
            list.push(Problem::at_line(Path::new("x.csv"), i + 1, "bad"));
        }
        let v = list.into_vec();
        assert_eq!(v.len(), MAX_PROBLEMS_PER_FILE + 1);
        assert!(
            v.last()
                .is_some_and(|p| p.message == "3 more problems not shown")
        );
    }

    #[test]
    fn exit_codes() {
        let e = ImportError::usage(Problem::file(Path::new("x"), "missing"));
        assert_eq!(e.exit_code(), 2);
        let d = ImportError {
            kind: ErrorKind::Data,
            problems: vec![],
        };
        assert_eq!(d.exit_code(), 1);
    }
}
