/// mimalloc: a build makes and frees millions of small strings and maps on
/// every core, where it is markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(carehub::cli::run());
}
