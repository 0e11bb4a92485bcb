fn main() {
    std::process::exit(carehub::cli::run());
}
