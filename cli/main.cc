// wit: the user CLI of the wit token ledger. Creates, lists and revokes personal access tokens
// through witd's REST API; see cli/wit_app.h.
#include <exception>
#include <iostream>

#include "cli/wit_app.h"

int main(int argc, char** argv) {
  try {
    return wit::RunWit(argc, argv, std::cin, std::cout, std::cerr);
  } catch (const std::exception& ex) {
    std::cerr << "wit: internal error: " << ex.what() << "\n";
    return wit::kExitFailure;
  }
}
