//===- MapOperationCatalog.h - What counts as a map write -----------------===//
//
// Decides, from a function's mangled name, whether a call to it is a write
// to, a lookup in or the start of an iteration of a recognised container
// (and which maps it accesses), and whether a function belongs to a
// container's own implementation (whose calls are not instrumented: the
// outer call already is).
//
// The containers are one table (ContainerFamilies.cpp), one row per family,
// grouped in presets: "std" (the eight standard associative containers),
// "abseil" (flat/node_hash_map/set, btree_map/set/multi), "boost"
// (boost::unordered_map/set/multi, and unordered_flat_* / unordered_node_*
// where Boost has them). -mapguard-presets= chooses them. Functions declared
// map operations otherwise (the glib preset, maps files, annotations) are
// DeclaredMaps.h's; MapOperationCache asks both.
//
// Names are demangled with LLVM's Itanium partial demangler; inline
// namespaces (std::__1, std::__cxx11, libstdc++'s debug-mode std::__debug /
// std::__cxx1998, Abseil's absl::lts_* / Debian's absl::debian3) are
// normalised away.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_MAPOPERATIONCATALOG_H
#define MAPGUARD_MAPOPERATIONCATALOG_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <optional>
#include <string>

namespace llvm {
class CallBase;
class Function;
class Value;
} // namespace llvm

namespace mapguard {

/// Where the container (`this`) is among a member call's arguments: the
/// first, or the second after an sret result pointer (extract() returns its
/// node handle that way).
unsigned containerArgument(const llvm::CallBase &CB);

/// What a recognised call does to its map.
enum class AccessKind {
  Write,     ///< modifies it: guarded
  Lookup,    ///< find, count, contains, at, equal_range, lower/upper_bound
  Iteration, ///< begin, cbegin, rbegin, crbegin: starts an iteration
};

/// One recognised operation, as the instrumentation needs it.
struct MapOperation {
  AccessKind Kind = AccessKind::Write;
  /// Readable container type for reports,
  /// e.g. "std::unordered_map<std::string, int>".
  std::string Container;
  /// The member's name, e.g. "operator[]", "insert", "operator=".
  std::string Operation;
  /// swap(other), merge(source) and move assignment also write the map
  /// passed as the first argument after `this`.
  bool AlsoWritesFirstArgument = false;
  /// Which of the call's arguments is the map, counted as written in the
  /// source (`this` first for a member): 0 but for an operation a maps file
  /// declares with =argN (g_hash_table_iter_init's map is its second).
  unsigned MapArgument = 0;
  /// Whether the map is the operation's `this`, so that messages can name
  /// the operation Container::Operation; else "Container via Operation"
  /// (g_hash_table_insert on a GHashTable).
  bool MapIsThis = true;
  llvm::StringRef joiner() const { return MapIsThis ? "::" : " via "; }

  bool isWrite() const { return Kind == AccessKind::Write; }
  /// How many maps a call accesses: `this`, and the other map of a two-map
  /// write.
  unsigned numMaps() const { return AlsoWritesFirstArgument ? 2 : 1; }
};

/// The one entry point: classifies a callee by its mangled name as a write,
/// lookup or iteration of a recognised container; std::nullopt for
/// anything else.
std::optional<MapOperation> classifyMapOperation(llvm::StringRef MangledName);

/// The maps a call of \p Op accesses (numMaps() of them, `this` first), or
/// an empty list, with the reason in \p WhyNot, when the call's arguments
/// do not have that shape.
llvm::SmallVector<llvm::Value *, 2> mapOperands(const llvm::CallBase &CB,
                                                const MapOperation &Op,
                                                std::string *WhyNot = nullptr);

/// classifyMapOperation, once per callee for a module. The operations it
/// returns stay valid as long as the cache.
class DeclaredMaps;
class MapOperationCache {
public:
  MapOperationCache() = default;
  /// Also classifies by \p Declared: the maps files, the glib preset and the
  /// MAPGUARD_*_MAP annotations (DeclaredMaps.h).
  explicit MapOperationCache(const DeclaredMaps *Declared)
      : Declared(Declared) {}
  const MapOperation *classify(const llvm::Function &Callee);
  /// The operation a direct call makes, or null.
  const MapOperation *classify(const llvm::CallBase &CB);

private:
  const DeclaredMaps *Declared = nullptr;
  std::map<const llvm::Function *, std::optional<MapOperation>> Cache;
};

/// What escape analysis needs to know about a member function of one of the
/// recognised containers (any member, not only the writes).
struct ContainerMember {
  enum MemberKind { Constructor, Destructor, Other };
  MemberKind Kind = Other;
  /// The member takes exactly one other container of its family, which it
  /// reads or writes but never keeps the address of: copy and move
  /// construction and assignment, swap, merge.
  bool TakesOtherContainer = false;
  /// operator= returns `this`.
  bool ReturnsThis = false;
  /// For messages, e.g. "std::map<int, int>::operator=".
  std::string Name;
};

/// Classifies a callee as a member of a recognised container (std::map,
/// std::unordered_set, absl::flat_hash_map's raw_hash_set, ...). Returns
/// std::nullopt for anything else, including the containers' internal bases.
std::optional<ContainerMember>
classifyContainerMember(llvm::StringRef MangledName);

/// The qualified name of a function without its parameters
/// ("app::Cache::put"), inline namespaces removed; empty when \p MangledName
/// is not an Itanium-mangled function name.
std::string qualifiedFunctionName(llvm::StringRef MangledName);

/// A function's name, demangled and normalised as reports print it, in the
/// parts a declared map operation (DeclaredMaps.h) is matched and named by.
struct FunctionNameParts {
  std::string Qualified; ///< "inventory::SkuTable::put"
  std::string Context;   ///< "inventory::SkuTable"
  std::string BaseName;  ///< "put"
  /// "std::string const&", "int"; empty for "()".
  llvm::SmallVector<std::string, 4> Parameters;
};
std::optional<FunctionNameParts> functionNameParts(llvm::StringRef MangledName);

/// libstdc++'s red-black tree steps (std::_Rb_tree_increment and
/// _Rb_tree_decrement, which std::map and std::set iterators call): compiled
/// into libstdc++.so, so the pass cannot see that they only follow pointers.
bool isContainerNavigation(llvm::StringRef MangledName);

/// True for member functions of the recognised containers, of classes
/// nested in them and of their rows' internal classes (libstdc++'s
/// _Hashtable, _Rb_tree, __detail::*, libc++'s __hash_table, __tree,
/// Abseil's btree, Boost's unordered::detail): calls made from inside them
/// are not instrumented.
bool isContainerImplementation(llvm::StringRef MangledName);

/// Uses only the presets named in \p List (comma-separated: std, abseil,
/// boost, glib); all of them until called. Returns what is wrong with \p List,
/// leaving the choice unchanged, if it names an unknown preset.
std::optional<std::string> selectContainerPresets(llvm::StringRef List);

/// Removes inline namespaces and spells std::basic_string<char, ...> as
/// std::string in a demangled name; drops default template arguments of
/// the recognised containers.
std::string prettifyContainerName(llvm::StringRef Demangled);

/// A demangled function name as reports show it: inline namespaces and
/// libc++ ABI tags removed.
std::string prettifyFunctionName(llvm::StringRef Demangled);

} // namespace mapguard

#endif // MAPGUARD_MAPOPERATIONCATALOG_H
