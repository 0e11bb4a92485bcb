//! Shared helpers for integration tests: make a small site in a temp dir
//! and run the real carehub binary on it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A site in a temporary folder, deleted when dropped.
pub struct TestSite {
    pub dir: tempfile::TempDir,
}

pub const SITE_TOML: &str = r#"title = "Test Hub"
base_url = "https://hub.example.org/"
"#;

/// A valid minimal page with every review field.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndescription = \"About {title}.\"\nlast_reviewed = 2026-10-01\nnext_review = 2028-10-01\nreviewed_by = \"Test Reviewer\"\n[[sources]]\ntitle = \"A source\"\nurl = \"https://www.nhs.uk/\"\npublisher = \"NHS\"\naccessed = 2026-09-01\n+++\n{body}\n"
    )
}

impl TestSite {
    /// A site with site.toml and a home page.
    pub fn new() -> Self {
        let t = TestSite {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        t.write("site.toml", SITE_TOML);
        t.write("content/_index.md", &page("Home", "Welcome."));
        t
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// Run `carehub <args> --root <site>`.
    pub fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_carehub"))
            .args(args)
            .arg("--root")
            .arg(self.root())
            .output()
            .expect("run carehub");
        Run::from(out)
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }
}

/// What a run of the binary printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Panic with the output unless the exit code is `code`.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn ok(&self) -> &Self {
        self.expect_code(0)
    }

    pub fn stderr_has(&self, s: &str) -> &Self {
        assert!(
            self.stderr.contains(s),
            "stderr lacks {s:?}:\n{}",
            self.stderr
        );
        self
    }

    pub fn stdout_has(&self, s: &str) -> &Self {
        assert!(
            self.stdout.contains(s),
            "stdout lacks {s:?}:\n{}",
            self.stdout
        );
        self
    }
}

/// The repository root (holding the example site).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Build the example site (the repository root) with extra flags into a new
/// temporary folder; panics with carehub's messages if the build fails.
/// Returns the folder (kept alive by the TempDir) and the output path.
pub fn build_example(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("public");
    let run = Command::new(env!("CARGO_BIN_EXE_carehub"))
        .args(["build", "--root"])
        .arg(repo_root())
        .arg("--output")
        .arg(&out)
        .args(extra)
        .output()
        .expect("run carehub");
    assert!(
        run.status.success(),
        "example build {extra:?} failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    if !extra.contains(&"--quiet") {
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(stdout.contains("Built "), "summary line: {stdout}");
    }
    (tmp, out)
}
