use clap::Parser;

fn main() {
    aisi_tracker::timing::init();
    let cli = aisi_tracker::cli::Cli::parse();
    match aisi_tracker::cli::main(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("aisi: error: {e:#}");
            std::process::exit(1);
        }
    }
}
