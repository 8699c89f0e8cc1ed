// BenchMain: the shared entry point of the C++ benchmarks.
#ifndef WIT_BENCH_BENCH_MAIN_H_
#define WIT_BENCH_BENCH_MAIN_H_

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

namespace wit::bench {

// PositiveOption declares `--name`, a number above 0 whose default (`value` as given) the help
// shows.
template <typename T>
CLI::Option* PositiveOption(CLI::App& app, const std::string& name, T& value,
                            const std::string& about) {
  return app.add_option(name, value, about)->check(CLI::PositiveNumber)->capture_default_str();
}

// BenchMain declares the flags with `add_flags(app)`, parses argv, then returns `run()`. A bad
// flag exits as CLI11 says; an exception escaping `run` is one line on stderr and exit 1.
//
//   int main(int argc, char** argv) {
//     Options opt;
//     return BenchMain("bench_x", "what it measures", argc, argv,
//                      [&](CLI::App& app) { app.add_option("--n", opt.n, "..."); },
//                      [&] { return Run(opt); });
//   }
template <typename AddFlags, typename Run>
int BenchMain(const char* name, const char* about, int argc, char** argv, AddFlags add_flags,
              Run run) {
  CLI::App app{std::string(name) + ": " + about};
  add_flags(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    return run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", name, e.what());
    return 1;
  }
}

}  // namespace wit::bench

#endif  // WIT_BENCH_BENCH_MAIN_H_
