// scale-rules FACTOR IN.yml OUT.yml: writes IN.yml's rules with every duration divided by
// FACTOR (time_scaled_rules), for tests outside C++ (tests/browser/) to run the shipped rules fast.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "tests/e2e/time_scaled_rules.h"

int main(int argc, char** argv) {
  const long long factor = argc == 4 ? std::atoll(argv[1]) : 0;
  if (factor < 1) {
    std::cerr << "usage: scale-rules FACTOR IN.yml OUT.yml   (FACTOR a whole number >= 1)\n";
    return 2;
  }
  std::ifstream in(argv[2]);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    std::cerr << "scale-rules: cannot read " << argv[2] << "\n";
    return 1;
  }
  std::ofstream out(argv[3]);
  out << vitals::testing::time_scaled_rules(text.str(), factor);
  if (!out.flush()) {
    std::cerr << "scale-rules: cannot write " << argv[3] << "\n";
    return 1;
  }
  return 0;
}
