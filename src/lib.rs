//! `aisi-tracker` turns published reports on AI safety institutes into a reconciled,
//! citable dataset.
//!
//! The stages, one module each, pass data forward only:
//!
//! | stage | module | in → out |
//! |---|---|---|
//! | walk | [`corpus`] | folder → [`corpus::InputFile`]s |
//! | extract | [`extract`] | bytes → [`model::Extraction`] (pages) → [`model::DocText`] |
//! | find | [`find`] | text → [`model::Mention`]s |
//! | build | [`facts`] | mentions + text → [`model::Claim`]s |
//! | reconcile | [`reconcile`] | claims → [`model::Fact`]s and [`model::Entity`]s |
//! | emit | [`emit`] | [`model::Dataset`] → output files |
//!
//! [`pipeline`] wires them; [`cli`] parses the command line.
//!
//! Around the stages: [`cache`] (incremental runs), [`lock`] (one writer per output
//! folder), [`progress`] (bars on a terminal), [`ingest`] (add reports, report what they
//! changed) and [`explain`] (where a fact, entity or mention came from).

pub mod budget;
pub mod cache;
pub mod cli;
pub mod corpus;
pub mod emit;
pub mod explain;
pub mod extract;
pub mod facts;
pub mod find;
pub mod hashes;
pub mod ingest;
pub mod lock;
pub mod model;
pub mod pipeline;
pub mod progress;
pub mod reconcile;
pub mod rules;
pub mod timing;
pub mod utf8;
pub mod works;
