//===- Options.h - What the command line asks of the pass ----------------===//
//
// The -mapguard-* options (clang: -mllvm -mapguard-...), read once into a
// MapGuardOptions for each run of the pass.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_OPTIONS_H
#define MAPGUARD_OPTIONS_H

#include "llvm/Support/CommandLine.h"

#include <string>
#include <vector>

namespace mapguard {

/// What the command line asks of the pass, read once. The pipeline's own
/// parameter (`-passes='mapguard<fast>'`) overrides the mode.
struct MapGuardOptions {
  bool Fast = false;
  bool Elide = true;
  bool LoopWindows = true;
  bool Inline = true;
  /// -mapguard-static: warn at build time about unsynchronised map writes.
  bool Static = true;
  llvm::cl::boolOrDefault Outline = llvm::cl::BOU_UNSET;
  std::string Ignorelist, Allowlist, Sites;
  /// -mapguard-presets: the container families to recognise.
  std::string Presets;
  /// -mapguard-maps: the maps files, in the order given.
  std::vector<std::string> Maps;

  /// The -mapguard-* options as given.
  static MapGuardOptions fromCommandLine();
};

} // namespace mapguard

#endif // MAPGUARD_OPTIONS_H
