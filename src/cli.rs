//! The command line: parses arguments and dispatches to the stage modules. No work here.

use crate::pipeline::{self, RunOptions};
use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "aisi",
    version,
    about = "Turns published reports on AI safety institutes into a reconciled, citable dataset",
    long_about = "Turns published reports on AI safety institutes (PDF, HTML, text) into a \
reconciled dataset: mentions of dates, money, institutes and organisations; facts about \
institutes, events and collaborations, reconciled across reports; tables, a report page, \
JSON Lines and SQLite, each fact traced to document, page and byte span."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run every stage over the corpus and write the dataset (the main job).
    Run(RunArgs),
    /// Add newly published reports to the corpus, refresh the dataset and show what they
    /// added, changed, confirmed or contradicted (also written to <out>/changes.json).
    Ingest(IngestArgs),
    /// Show where a fact, entity, mention or document came from: every source with
    /// document, page, the quote in context and the rule that matched.
    Explain(ExplainArgs),
    /// Extract the text of single files (pages separated by form feeds), for inspecting
    /// and benchmarking the extractors; prints `status pages file [reason]` to stderr.
    #[command(hide = true)]
    Extract(ExtractArgs),
    /// Run the examples written inside the rule files and report what passed.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// Run every rule's must-match and must-not-match examples; exit 1 if any fails.
    Test {
        /// Folder of rule files [default: the rules built into the program].
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Show only the rules with a failing example.
        #[arg(long, short)]
        quiet: bool,
    },
    /// How often each rule fired in a written dataset (from its mentions.jsonl), and which
    /// pattern rules never fired.
    Stats {
        /// Output folder of an `aisi run` (relative to the current folder).
        #[arg(long, default_value = "output")]
        out: PathBuf,
        /// Folder of rule files, to list the rules that never fired [default: the rules
        /// built into the program].
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Write the rules built into the program into a folder, to edit them and run with
    /// `--rules DIR`. Never overwrites a file.
    Export {
        /// Folder to write into (made if missing).
        dir: PathBuf,
    },
}

#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Folder of input reports, read recursively (.pdf, .html/.htm, .txt, .md); relative
    /// paths are relative to the current folder.
    #[arg(long, default_value = "corpus")]
    pub corpus: PathBuf,
    /// Folder of rule files (patterns/, entities/, facts/) [default: the rules built into
    /// the program; `aisi rules export DIR` writes them out for editing].
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Output folder, relative to the current folder; its files are replaced as a set.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Worker threads (0 = one per core).
    #[arg(long, default_value_t = 0)]
    pub jobs: usize,
    /// Seconds one document may take, extraction, rule matching and fact building together,
    /// before it is recorded as failed (the batch goes on).
    #[arg(long, default_value_t = 60)]
    pub doc_timeout: u64,
    /// No progress bars; only errors and the final summary.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug, Clone)]
pub struct IngestArgs {
    /// Reports to add (.pdf, .html/.htm, .txt, .md); a sidecar FILE.meta.json beside one
    /// is copied along.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Folder inside the corpus to copy them into ("." for the corpus root).
    #[arg(long, default_value = "ingested")]
    pub into: PathBuf,
    /// Most changes listed per kind in the terminal (changes.json has them all).
    #[arg(long, default_value_t = 20)]
    pub show: usize,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Args, Debug, Clone)]
pub struct ExplainArgs {
    /// A fact id, entity id (e.g. institute:US), mention id or document name.
    pub id: String,
    /// Output folder to read (relative to the current folder).
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct ExtractArgs {
    /// Files to extract (format from the extension).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Write `<file name>.txt` here instead of printing the text.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Do not print the text (measure extraction alone).
    #[arg(long)]
    pub discard: bool,
    /// Seconds one file may take.
    #[arg(long, default_value_t = 60)]
    pub doc_timeout: u64,
}

impl RunArgs {
    pub fn options(&self) -> RunOptions {
        RunOptions {
            corpus: self.corpus.clone(),
            rules: crate::rules::RuleSource::from_arg(self.rules.as_deref()),
            out: self.out.clone(),
            jobs: self.jobs,
            doc_timeout: self.doc_timeout,
            quiet: self.quiet,
        }
    }
}

/// Runs the parsed command; the exit code is 0 on success.
pub fn main(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Run(args) => {
            corpus_exists(&args.corpus)?;
            let summary = pipeline::run(&args.options())?;
            eprintln!("{summary}");
            Ok(0)
        }
        Command::Ingest(args) => {
            use std::io::IsTerminal;
            let opts = crate::ingest::IngestOptions {
                files: args.files.clone(),
                into: args.into.clone(),
                run: args.run.options(),
            };
            let outcome = crate::ingest::ingest(&opts)?;
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!(
                "{}",
                crate::ingest::render(&outcome, &opts.run.out, color, args.show)
            );
            eprintln!("{}", outcome.summary);
            Ok(0)
        }
        Command::Explain(args) => {
            use std::io::IsTerminal;
            let data = crate::explain::load(&args.out)?;
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let text = crate::explain::explain(&data, &args.id, crate::explain::Style { color })?;
            print!("{text}");
            Ok(0)
        }
        Command::Extract(args) => extract_files(&args),
        Command::Rules {
            command: RulesCommand::Test { rules, quiet },
        } => {
            let set = crate::rules::RuleSet::from_source(&crate::rules::RuleSource::from_arg(
                rules.as_deref(),
            ))?;
            let mut outcomes = crate::find::self_test(&set);
            outcomes.extend(crate::facts::self_test(&set.facts));
            let failed = outcomes.iter().filter(|o| !o.passed).count();
            // One line per rule, in file order, then the failing examples under it.
            let mut i = 0;
            while i < outcomes.len() {
                let first = &outcomes[i];
                let n = outcomes[i..]
                    .iter()
                    .take_while(|o| o.rule == first.rule && o.file == first.file)
                    .count();
                let group = &outcomes[i..i + n];
                let bad: Vec<_> = group.iter().filter(|o| !o.passed).collect();
                if bad.is_empty() {
                    if !quiet {
                        println!("ok   {} [{}] {n} example(s)", first.rule, first.file);
                    }
                } else {
                    println!(
                        "FAIL {} [{}] {} of {n} example(s) failed",
                        first.rule,
                        first.file,
                        bad.len()
                    );
                    for o in bad {
                        println!("     {:?}: {}", o.example, o.detail);
                    }
                }
                i += n;
            }
            println!(
                "rule examples: {} passed, {} failed",
                outcomes.len() - failed,
                failed
            );
            Ok(if failed == 0 { 0 } else { 1 })
        }
        Command::Rules {
            command: RulesCommand::Stats { out, rules },
        } => {
            let source = crate::rules::RuleSource::from_arg(rules.as_deref());
            let set = source
                .files("patterns")
                .and_then(|f| crate::find::engine::PatternRules::from_files(&f))
                .ok();
            let stats = crate::find::stats::rule_stats(&out, set.as_ref())?;
            println!(
                "{:<36} {:<13} {:>8} {:>5}",
                "rule", "kind", "mentions", "docs"
            );
            for s in &stats {
                println!(
                    "{:<36} {:<13} {:>8} {:>5}",
                    s.rule, s.kind, s.mentions, s.docs
                );
            }
            Ok(0)
        }
        Command::Rules {
            command: RulesCommand::Export { dir },
        } => {
            let n = crate::rules::export(&dir)?;
            println!(
                "wrote {n} rule files to {}; run with --rules {} to use them",
                dir.display(),
                dir.display()
            );
            Ok(0)
        }
    }
}

/// A missing corpus folder, explained: run from a folder of reports without `--corpus`,
/// the default `corpus` is not there, and the user needs to hear how to point at theirs.
fn corpus_exists(corpus: &std::path::Path) -> Result<()> {
    if corpus.is_dir() {
        return Ok(());
    }
    let here = std::env::current_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|_| "the current folder".into());
    if corpus == std::path::Path::new("corpus") {
        anyhow::bail!(
            "there is no folder `corpus` in {here} (the default corpus): give the folder of \
             your reports with --corpus DIR, e.g. `aisi run --corpus . --out dataset`"
        );
    }
    anyhow::bail!(
        "the corpus folder {} does not exist (relative paths are relative to {here}); give \
         the folder of your reports with --corpus DIR",
        corpus.display()
    )
}

/// `aisi extract`: exit 1 if any file failed.
fn extract_files(args: &ExtractArgs) -> Result<i32> {
    use std::io::Write;
    let mut failed = false;
    let mut stdout = std::io::stdout().lock();
    for path in &args.files {
        let format = crate::corpus::format_of(path).unwrap_or(crate::model::Format::Text);
        let result = std::fs::read(path)
            .map_err(|e| format!("cannot read file: {e}"))
            .and_then(|b| {
                pipeline::extract_bounded(format, b, args.doc_timeout).map_err(|e| e.to_string())
            });
        match result {
            Ok(x) => {
                let text = crate::model::DocText::from_pages(&x.pages).text;
                let status = if text.trim().is_empty() {
                    "empty"
                } else {
                    "ok"
                };
                eprintln!(
                    "{status}\t{}\t{}\t{}",
                    x.pages.len(),
                    path.display(),
                    x.warnings.join("; ")
                );
                if let Some(dir) = &args.out {
                    let name = path.file_name().unwrap_or_default().to_string_lossy();
                    std::fs::write(dir.join(format!("{name}.txt")), &text)?;
                } else if !args.discard {
                    stdout.write_all(text.as_bytes())?;
                    stdout.write_all(b"\n")?;
                }
            }
            Err(e) => {
                failed = true;
                eprintln!("error\t0\t{}\t{e}", path.display());
            }
        }
    }
    Ok(i32::from(failed))
}
