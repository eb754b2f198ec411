//===- ContainerFamilies.h - The catalog's table of container families ----===//
//
// One row per container family (the standard associative containers,
// Abseil's, Boost.Unordered's), grouped into presets: how its members are
// spelled when demangled, which of them write, look up or start an
// iteration, how a report names it, and which internal classes are its
// implementation. MapOperationCatalog classifies calls against it; adding a
// container is adding a row in ContainerFamilies.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_CONTAINERFAMILIES_H
#define MAPGUARD_CONTAINERFAMILIES_H

#include "MapOperationCatalog.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"

#include <optional>
#include <string>

namespace mapguard {

/// The members of a family that write, look up and start an iteration.
struct MemberSet {
  llvm::ArrayRef<llvm::StringRef> Writes;
  llvm::ArrayRef<llvm::StringRef> Lookups;
  llvm::ArrayRef<llvm::StringRef> Iterations;
  /// A member that writes only with these parameters (max_load_factor(float)
  /// rehashes; max_load_factor() only reads).
  llvm::StringRef WriteWithFloat;
};

/// A context's template arguments, as demangled and normalised.
using TemplateArgs = llvm::ArrayRef<llvm::StringRef>;

/// What a context names: the container as reports print it, before its
/// arguments lose their defaults, and those defaults.
struct ContainerSpelling {
  std::string Template;                   ///< "std::map", "absl::flat_hash_map"
  llvm::SmallVector<std::string, 6> Args; ///< as spelled
  size_t Keep = 1;                        ///< leading arguments always shown
  llvm::SmallVector<std::string, 3> Defaults; ///< of the arguments after Keep
  /// Also drop an argument after Keep that starts with this (Abseil's
  /// hash_default_hash / hash_default_eq specialisations).
  llvm::StringRef DefaultPrefix;
};

/// One row per container family.
struct ContainerFamily {
  /// The preset (-mapguard-presets=) the row belongs to.
  llvm::StringRef Preset;
  /// The class templates whose members are the family's members, as
  /// demangled with inline namespaces removed ("std::map"); for containers
  /// whose members are inherited, their bases too.
  llvm::ArrayRef<llvm::StringRef> Templates;
  const MemberSet *Members;
  /// The name a report prints, from one of Templates and its arguments;
  /// std::nullopt when that instantiation is not this family's (Abseil's
  /// shared bases tell their families apart by their policy).
  std::optional<ContainerSpelling> (*Spell)(llvm::StringRef Template,
                                            TemplateArgs);
  /// Prefixes of the demangled, normalised contexts of the family's
  /// internal classes: their functions are container implementation.
  llvm::ArrayRef<llvm::StringRef> Internals;
};

/// A recognised container instantiation.
struct Match {
  const ContainerFamily *Family;
  llvm::StringRef Template; ///< the one of Family->Templates it is spelled with
  ContainerSpelling Spelling;
};

/// The table, every row (enabled or not).
llvm::ArrayRef<ContainerFamily> containerFamilies();
/// The presets' names, and the set of those in use (all by default).
llvm::ArrayRef<llvm::StringRef> presetNames();
llvm::StringSet<> &enabledPresets();
bool enabled(const ContainerFamily &F);

/// The enabled family whose container \p Spelled ("std::map<int, int, ...>")
/// is, exactly (not a class nested in it).
std::optional<Match> matchContainer(llvm::StringRef Spelled);
/// The enabled family one of whose templates is \p Template, or null.
const ContainerFamily *familyOfTemplate(llvm::StringRef Template);
/// Whether \p Mangled can name a member of a container (\p Internal: or of
/// its implementation) at all, decided without demangling.
bool mayNameContainer(llvm::StringRef Mangled, bool Internal);
/// What a member of \p F named \p BaseName with \p Parameters does.
std::optional<AccessKind> memberAccess(const ContainerFamily &F,
                                       llvm::StringRef BaseName,
                                       llvm::StringRef Parameters);

/// The template's name: "std::map" for "std::map<int, int>".
llvm::StringRef templateName(llvm::StringRef Context);
/// Splits "a, b<c, d>, e" at the top-level commas.
llvm::SmallVector<llvm::StringRef, 6>
splitTemplateArguments(llvm::StringRef Args);

} // namespace mapguard

#endif // MAPGUARD_CONTAINERFAMILIES_H
