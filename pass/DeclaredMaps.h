//===- DeclaredMaps.h - Maps a project declares: maps files, annotations --===//
//
// Besides the catalog's C++ containers (ContainerFamilies.h), a function is a
// map operation when it is declared one:
//
//   - in a maps file (-mapguard-maps=FILE, repeatable), in the style of the
//     sanitizers' special-case lists:
//
//       # comment
//       [write]                      sections: [write], [read], [iterate]
//       map:GHashTable               how reports name the maps of the
//                                    entries that follow (optional)
//       fun:g_hash_table_insert      a C function's name, a C++ function's
//       fun:inventory::SkuTable::put qualified name without its parameters,
//                                    or a mangled name; globs allowed
//       [iterate]
//       fun:g_hash_table_iter_init=arg1   the map is argument 1 (from 0,
//                                         `this` first); default arg0
//
//     The glib preset is such a file (share/mapguard/glib.maps), built into
//     the plugin and read after the user's files; the first matching entry
//     decides.
//   - by an annotation of include/mapguard/mapguard.h on its declaration or
//     definition (MAPGUARD_WRITES_MAP, MAPGUARD_READS_MAP,
//     MAPGUARD_ITERATES_MAP), which clang lowers into
//     @llvm.global.annotations for declarations and definitions alike. The
//     map is `*this` for a member, the first argument otherwise.
//
// Reports name the map as the file's map: line says, else a member's class,
// else the type of a free function's map parameter where the name or the
// debug info tells it.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_DECLAREDMAPS_H
#define MAPGUARD_DECLAREDMAPS_H

#include "MapOperationCatalog.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/GlobPattern.h"

#include <optional>
#include <string>
#include <vector>

namespace llvm {
class Function;
class LLVMContext;
class Module;
} // namespace llvm

namespace mapguard {

class DeclaredMaps {
public:
  /// Reads the maps files at \p Paths and, if the glib preset is enabled,
  /// the built-in one. A missing or malformed file is reported to \p Ctx as
  /// an error naming the file, the line and the problem; returns false then.
  bool loadFiles(llvm::ArrayRef<std::string> Paths, llvm::LLVMContext &Ctx);
  /// Parses one maps file's \p Text, named \p Name in messages; returns
  /// "NAME:LINE: problem" for the first malformed line.
  std::optional<std::string> parse(llvm::StringRef Name, llvm::StringRef Text);
  /// Reads the MAPGUARD_*_MAP annotations of \p M's functions.
  void readAnnotations(const llvm::Module &M);

  /// What a call of \p F does to a map, if \p F is declared a map operation.
  std::optional<MapOperation> classify(const llvm::Function &F) const;

private:
  struct Entry {
    AccessKind Kind;
    llvm::GlobPattern Pattern;
    unsigned Argument;
    std::string MapName; // from the last map: line, or empty
  };
  const Entry *match(const llvm::Function &F) const;

  std::vector<Entry> Entries;
  /// Whether an entry can name a C++ function by its qualified name
  /// (its glob has "::"): only then are callees demangled.
  bool MatchesQualifiedNames = false;
  llvm::DenseMap<const llvm::Function *, AccessKind> Annotated;
};

} // namespace mapguard

#endif // MAPGUARD_DECLAREDMAPS_H
