//===- MapOperationCatalog.cpp - What counts as a map write ---------------===//
//
// The single place that knows which calls write a map. A callee is a map
// write when LLVM's Itanium demangler says it is a member function whose
// declaration context is a container of one of the catalog's rows
// (Families, below: the eight standard associative containers, Abseil's
// and Boost's) and whose base name is one of its row's writing members;
// likewise for lookups and the start of an iteration. Everything else here
// (the report's type name, the mangled spellings the quick pre-check looks
// for, which functions are container implementation) is derived from the
// rows: adding a container is adding a row.
//
//===----------------------------------------------------------------------===//
#include "MapOperationCatalog.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InstrTypes.h"

#include <cctype>
#include <cstdlib>
#include <memory>

using namespace llvm;

namespace mapguard {
namespace {

/// The members of a family that write, look up and start an iteration.
struct MemberSet {
  ArrayRef<StringRef> Writes;
  ArrayRef<StringRef> Lookups;
  ArrayRef<StringRef> Iterations;
  /// A member that writes only with these parameters (max_load_factor(float)
  /// rehashes; max_load_factor() only reads).
  StringRef WriteWithFloat;
};

const StringRef StdWrites[] = {"operator[]",   "insert",  "insert_or_assign",
                               "insert_range", "emplace", "emplace_hint",
                               "try_emplace",  "erase",   "clear",
                               "extract",      "merge",   "swap",
                               "rehash",       "reserve", "operator="};
const StringRef StdLookups[] = {"find",       "count",       "contains",
                                "at",         "equal_range", "lower_bound",
                                "upper_bound"};
const StringRef StdIterations[] = {"begin", "cbegin", "rbegin", "crbegin"};
/// The standard containers' members; Abseil's and Boost's containers follow
/// the same interface.
const MemberSet StdMembers = {StdWrites, StdLookups, StdIterations,
                              "max_load_factor"};

/// A context's template arguments, as demangled and normalised.
using TemplateArgs = ArrayRef<StringRef>;

/// What a context names: the container as reports print it, before its
/// arguments lose their defaults, and those defaults.
struct ContainerSpelling {
  std::string Template;                 ///< "std::map", "absl::flat_hash_map"
  SmallVector<std::string, 6> Args;     ///< as spelled
  size_t Keep = 1;                      ///< leading arguments always shown
  SmallVector<std::string, 3> Defaults; ///< of the arguments after Keep
  /// Also drop an argument after Keep that starts with this (Abseil's
  /// hash_default_hash / hash_default_eq specialisations).
  StringRef DefaultPrefix;
};

/// One row per container family.
struct ContainerFamily {
  /// The preset (-mapguard-presets=) the row belongs to.
  StringRef Preset;
  /// The class templates whose members are the family's members, as
  /// demangled with inline namespaces removed ("std::map"); for containers
  /// whose members are inherited, their bases too.
  ArrayRef<StringRef> Templates;
  const MemberSet *Members;
  /// The name a report prints, from one of Templates and its arguments;
  /// std::nullopt when that instantiation is not this family's (Abseil's
  /// shared bases tell their families apart by their policy).
  std::optional<ContainerSpelling> (*Spell)(StringRef Template, TemplateArgs);
  /// Prefixes of the demangled, normalised contexts of the family's
  /// internal classes: their functions are container implementation.
  ArrayRef<StringRef> Internals;
};

/// Standard-style arguments: <Key, [Value,] Hash-or-Compare..., Alloc>.
std::optional<ContainerSpelling> spellStd(StringRef Template, TemplateArgs Args,
                                          bool IsMap, bool Hashed,
                                          StringRef HashTemplate,
                                          StringRef ShownTemplate = "") {
  ContainerSpelling S;
  S.Template = (ShownTemplate.empty() ? Template : ShownTemplate).str();
  for (StringRef A : Args)
    S.Args.push_back(A.str());
  S.Keep = IsMap ? 2 : 1;
  if (Args.size() < S.Keep)
    return S;
  std::string Key = Args[0].str();
  std::string Alloc = IsMap ? "std::allocator<std::pair<" + Key + " const, " +
                                  Args[1].str() + ">>"
                            : "std::allocator<" + Key + ">";
  if (Hashed)
    S.Defaults = {HashTemplate.str() + "<" + Key + ">",
                  "std::equal_to<" + Key + ">", Alloc};
  else
    S.Defaults = {"std::less<" + Key + ">", Alloc};
  return S;
}

template <bool IsMap, bool Hashed>
std::optional<ContainerSpelling> spellStdFamily(StringRef T, TemplateArgs A) {
  return spellStd(T, A, IsMap, Hashed, "std::hash");
}

template <bool IsMap>
std::optional<ContainerSpelling> spellBoostFamily(StringRef T, TemplateArgs A) {
  // boost::unordered::unordered_map is spelled boost::unordered_map.
  std::string Shown = "boost::" + T.rsplit("::").second.str();
  return spellStd(T, A, IsMap, /*Hashed=*/true, "boost::hash", Shown);
}

/// The template's name: "std::map" for "std::map<int, int>".
StringRef templateName(StringRef Context) {
  return Context.take_until([](char C) { return C == '<'; });
}

/// Splits "a, b<c, d>, e" at the top-level commas.
SmallVector<StringRef, 6> splitTemplateArguments(StringRef Args);

/// The arguments of "T<a, b>", or std::nullopt when \p Spelled is not one
/// template instantiation.
std::optional<SmallVector<StringRef, 6>> templateArguments(StringRef Spelled) {
  size_t Open = Spelled.find('<');
  if (Open == StringRef::npos || !Spelled.ends_with(">"))
    return std::nullopt;
  return splitTemplateArguments(Spelled.slice(Open + 1, Spelled.size() - 1));
}

/// Abseil's hash containers: absl::flat_hash_map<K, V, Hash, Eq, Alloc>
/// derives its members from
/// raw_hash_map<FlatHashMapPolicy<K, V>, Hash, Eq, Alloc> and
/// raw_hash_set<FlatHashMapPolicy<K, V>, Hash, Eq, Alloc>; the policy names
/// the family.
std::optional<ContainerSpelling> spellAbseilHash(StringRef Template,
                                                 TemplateArgs Args,
                                                 StringRef UserName,
                                                 StringRef Policy, bool IsMap) {
  SmallVector<StringRef, 6> All;
  if (Template == UserName) {
    All.assign(Args.begin(), Args.end());
  } else {
    if (Args.empty() || templateName(Args[0]) != Policy)
      return std::nullopt;
    std::optional<SmallVector<StringRef, 6>> PolicyArgs =
        templateArguments(Args[0]);
    if (!PolicyArgs)
      return std::nullopt;
    All.assign(PolicyArgs->begin(), PolicyArgs->end());
    All.append(Args.begin() + 1, Args.end());
  }
  std::optional<ContainerSpelling> S = spellStd(
      UserName, All, IsMap, /*Hashed=*/true, "absl::hash_internal::Hash");
  if (S)
    S->DefaultPrefix = "absl::container_internal::";
  return S;
}

#define ABSEIL_HASH(Fn, User, Policy, IsMap)                                   \
  std::optional<ContainerSpelling> Fn(StringRef T, TemplateArgs A) {           \
    return spellAbseilHash(T, A, User, "absl::container_internal::" Policy,    \
                           IsMap);                                             \
  }
ABSEIL_HASH(spellFlatHashMap, "absl::flat_hash_map", "FlatHashMapPolicy", true)
ABSEIL_HASH(spellFlatHashSet, "absl::flat_hash_set", "FlatHashSetPolicy", false)
ABSEIL_HASH(spellNodeHashMap, "absl::node_hash_map", "NodeHashMapPolicy", true)
ABSEIL_HASH(spellNodeHashSet, "absl::node_hash_set", "NodeHashSetPolicy", false)
#undef ABSEIL_HASH

/// Abseil's B-trees: absl::btree_map<K, V, Compare, Alloc> derives its
/// members from btree_map_container<btree<map_params<K, V, Compare, Alloc,
/// 256, false>>> (and btree_set_container, btree_container): the params say
/// map or set, the last one multi or not.
std::optional<ContainerSpelling> spellAbseilBtree(StringRef Template,
                                                  TemplateArgs Args,
                                                  StringRef UserName,
                                                  bool IsMap, bool Multi) {
  if (Template == UserName)
    return spellStd(Template, Args, IsMap, /*Hashed=*/false, "");
  if (Args.size() != 1 ||
      templateName(Args[0]) != "absl::container_internal::btree")
    return std::nullopt;
  std::optional<SmallVector<StringRef, 6>> Tree = templateArguments(Args[0]);
  if (!Tree || Tree->size() != 1 ||
      templateName((*Tree)[0]) !=
          (IsMap ? "absl::container_internal::map_params"
                 : "absl::container_internal::set_params"))
    return std::nullopt;
  std::optional<SmallVector<StringRef, 6>> Params =
      templateArguments((*Tree)[0]);
  // <K, [V,] Compare, Alloc, TargetNodeSize, IsMulti>
  if (!Params || Params->size() != (IsMap ? 6u : 5u) ||
      Params->back() != (Multi ? "true" : "false"))
    return std::nullopt;
  SmallVector<StringRef, 6> UserArgs(Params->begin(), Params->end() - 2);
  return spellStd(Template, UserArgs, IsMap, /*Hashed=*/false, "", UserName);
}

#define ABSEIL_BTREE(Fn, User, IsMap, Multi)                                   \
  std::optional<ContainerSpelling> Fn(StringRef T, TemplateArgs A) {           \
    return spellAbseilBtree(T, A, User, IsMap, Multi);                         \
  }
ABSEIL_BTREE(spellBtreeMap, "absl::btree_map", true, false)
ABSEIL_BTREE(spellBtreeMultimap, "absl::btree_multimap", true, true)
ABSEIL_BTREE(spellBtreeSet, "absl::btree_set", false, false)
ABSEIL_BTREE(spellBtreeMultiset, "absl::btree_multiset", false, true)
#undef ABSEIL_BTREE

// The rows' template and internal-class lists.
const StringRef StdMapT[] = {"std::map", "std::multimap"};
const StringRef StdSetT[] = {"std::set", "std::multiset"};
const StringRef StdUMapT[] = {"std::unordered_map", "std::unordered_multimap"};
const StringRef StdUSetT[] = {"std::unordered_set", "std::unordered_multiset"};
const StringRef StdTreeInternals[] = {"std::_Rb_tree<", "std::__tree<"};
const StringRef StdHashInternals[] = {"std::_Hashtable<", "std::__detail::_",
                                      "std::__hash_table<"};

#define ABSL_CI "absl::container_internal::"
const StringRef AbslFlatMapT[] = {"absl::flat_hash_map", ABSL_CI "raw_hash_map",
                                  ABSL_CI "raw_hash_set"};
const StringRef AbslNodeMapT[] = {"absl::node_hash_map", ABSL_CI "raw_hash_map",
                                  ABSL_CI "raw_hash_set"};
const StringRef AbslFlatSetT[] = {"absl::flat_hash_set",
                                  ABSL_CI "raw_hash_set"};
const StringRef AbslNodeSetT[] = {"absl::node_hash_set",
                                  ABSL_CI "raw_hash_set"};
const StringRef AbslHashInternals[] = {ABSL_CI "raw_hash_set<",
                                       ABSL_CI "raw_hash_map<"};
#define ABSL_BTREE_T(User)                                                     \
  {User,                                                                       \
   ABSL_CI "btree_map_container",                                              \
   ABSL_CI "btree_multimap_container",                                         \
   ABSL_CI "btree_set_container",                                              \
   ABSL_CI "btree_multiset_container",                                         \
   ABSL_CI "btree_container"}
const StringRef AbslBtreeMapT[] = ABSL_BTREE_T("absl::btree_map");
const StringRef AbslBtreeMultimapT[] = ABSL_BTREE_T("absl::btree_multimap");
const StringRef AbslBtreeSetT[] = ABSL_BTREE_T("absl::btree_set");
const StringRef AbslBtreeMultisetT[] = ABSL_BTREE_T("absl::btree_multiset");
#undef ABSL_BTREE_T
const StringRef AbslBtreeInternals[] = {ABSL_CI "btree<",
                                        ABSL_CI "btree_node<",
                                        ABSL_CI "btree_iterator<",
                                        ABSL_CI "btree_map_container<",
                                        ABSL_CI "btree_multimap_container<",
                                        ABSL_CI "btree_set_container<",
                                        ABSL_CI "btree_multiset_container<",
                                        ABSL_CI "btree_container<"};
#undef ABSL_CI

// Boost 1.74 has unordered_map/set (and multi); unordered_flat_* and
// unordered_node_* (1.81, 1.82) have the same interface. The concurrent
// maps (boost::concurrent_flat_map, 1.83) are not here: they lock inside.
const StringRef BoostMapT[] = {"boost::unordered::unordered_map",
                               "boost::unordered::unordered_multimap",
                               "boost::unordered::unordered_flat_map",
                               "boost::unordered::unordered_node_map"};
const StringRef BoostSetT[] = {"boost::unordered::unordered_set",
                               "boost::unordered::unordered_multiset",
                               "boost::unordered::unordered_flat_set",
                               "boost::unordered::unordered_node_set"};
const StringRef BoostInternals[] = {"boost::unordered::detail::"};

/// The catalog. Adding a container is one row. The order is the order
/// reports' function names are shortened in.
const ContainerFamily Families[] = {
    {"std", StdMapT, &StdMembers, spellStdFamily<true, false>,
     StdTreeInternals},
    {"std", StdSetT, &StdMembers, spellStdFamily<false, false>,
     StdTreeInternals},
    {"std", StdUMapT, &StdMembers, spellStdFamily<true, true>,
     StdHashInternals},
    {"std", StdUSetT, &StdMembers, spellStdFamily<false, true>,
     StdHashInternals},
    {"abseil", AbslFlatMapT, &StdMembers, spellFlatHashMap, AbslHashInternals},
    {"abseil", AbslFlatSetT, &StdMembers, spellFlatHashSet, AbslHashInternals},
    {"abseil", AbslNodeMapT, &StdMembers, spellNodeHashMap, AbslHashInternals},
    {"abseil", AbslNodeSetT, &StdMembers, spellNodeHashSet, AbslHashInternals},
    {"abseil", AbslBtreeMapT, &StdMembers, spellBtreeMap, AbslBtreeInternals},
    {"abseil", AbslBtreeMultimapT, &StdMembers, spellBtreeMultimap,
     AbslBtreeInternals},
    {"abseil", AbslBtreeSetT, &StdMembers, spellBtreeSet, AbslBtreeInternals},
    {"abseil", AbslBtreeMultisetT, &StdMembers, spellBtreeMultiset,
     AbslBtreeInternals},
    {"boost", BoostMapT, &StdMembers, spellBoostFamily<true>, BoostInternals},
    {"boost", BoostSetT, &StdMembers, spellBoostFamily<false>, BoostInternals},
};

const StringRef PresetNames[] = {"std", "abseil", "boost"};

/// The presets in use (-mapguard-presets=): all by default.
StringSet<> &enabledPresets() {
  static StringSet<> Enabled = [] {
    StringSet<> S;
    for (StringRef P : PresetNames)
      S.insert(P);
    return S;
  }();
  return Enabled;
}

bool enabled(const ContainerFamily &F) {
  return enabledPresets().contains(F.Preset);
}

/// A recognised container instantiation.
struct Match {
  const ContainerFamily *Family;
  StringRef Template; ///< the one of Family->Templates it is spelled with
  ContainerSpelling Spelling;
};

/// The family whose container \p Spelled ("std::map<int, int, ...>") is,
/// exactly (not a class nested in it).
std::optional<Match> matchContainer(StringRef Spelled) {
  StringRef Template = templateName(Spelled);
  if (Template.size() == Spelled.size())
    return std::nullopt;
  for (const ContainerFamily &F : Families) {
    if (!enabled(F) || !is_contained(F.Templates, Template))
      continue;
    std::optional<SmallVector<StringRef, 6>> Args = templateArguments(Spelled);
    if (!Args)
      return std::nullopt;
    // "a<b>::c<d>" is not one instantiation: its '>' closes before the end.
    int Depth = 0;
    for (size_t I = Template.size(); I + 1 < Spelled.size(); ++I) {
      if (Spelled[I] == '<')
        ++Depth;
      else if (Spelled[I] == '>' && --Depth == 0)
        return std::nullopt;
    }
    if (std::optional<ContainerSpelling> S = F.Spell(Template, *Args))
      return Match{&F, Template, std::move(*S)};
  }
  return std::nullopt;
}

/// Whether \p Template is one of an enabled row's templates.
const ContainerFamily *familyOfTemplate(StringRef Template) {
  for (const ContainerFamily &F : Families)
    if (enabled(F) && is_contained(F.Templates, Template))
      return &F;
  return nullptr;
}

/// "std::map" -> "3map", "std::__detail::_" -> "8__detail": the last whole
/// name of a template or prefix, as the Itanium mangling spells it.
std::string mangledToken(StringRef Name) {
  Name = Name.take_until([](char C) { return C == '<'; });
  SmallVector<StringRef, 4> Parts;
  Name.split(Parts, "::");
  while (!Parts.empty() && Parts.back().empty())
    Parts.pop_back();
  if (Parts.empty())
    return "";
  return std::to_string(Parts.back().size()) + Parts.back().str();
}

/// The mangled tokens mayNameContainer looks for, from the table.
struct MangledTokens {
  std::vector<std::string> Containers, Internals;
};
const MangledTokens &mangledTokens() {
  static const MangledTokens Tokens = [] {
    MangledTokens T;
    auto Add = [](std::vector<std::string> &V, std::string S) {
      if (!S.empty() && !is_contained(V, S))
        V.push_back(std::move(S));
    };
    for (const ContainerFamily &F : Families) {
      for (StringRef Template : F.Templates)
        Add(T.Containers, mangledToken(Template));
      for (StringRef Internal : F.Internals) {
        // A prefix ending inside a name ("std::__detail::_") stands for its
        // enclosing namespace; one ending in '<' or "::" names a whole one.
        StringRef Whole = Internal;
        if (Whole.ends_with("<"))
          Whole = Whole.drop_back();
        else if (Whole.ends_with("::"))
          Whole = Whole.drop_back(2);
        else
          Whole = Whole.rsplit("::").first;
        Add(T.Internals, mangledToken(Whole));
      }
    }
    return T;
  }();
  return Tokens;
}

/// Whether \p Mangled can name a member of a container (\p Internal: or of
/// the library's implementation of one) at all, decided without demangling.
/// The declaration context of a function comes first in its mangled name
/// (also inside a local name's enclosing function), so a context of, say,
/// std::map or std::__1::map spells "3map" there: no substitution can stand
/// for its first occurrence, and std's own abbreviations (Sa, Sb, Ss, ...)
/// name no container. A name that spells none of these is no container
/// code; one that does is demangled and decided as before. Most functions of
/// a module that uses containers are neither, and demangling each of them
/// twice was most of this pass's time.
bool mayNameContainer(StringRef Mangled, bool Internal) {
  if (!Mangled.starts_with("_Z"))
    return false;
  const MangledTokens &T = mangledTokens();
  for (const std::string &Name : T.Containers)
    if (Mangled.contains(Name))
      return true;
  if (!Internal)
    return false;
  for (const std::string &Name : T.Internals)
    if (Mangled.contains(Name))
      return true;
  return false;
}

/// What a member of \p F named \p BaseName with \p Parameters does.
std::optional<AccessKind> memberAccess(const ContainerFamily &F,
                                       StringRef BaseName,
                                       StringRef Parameters) {
  const MemberSet &M = *F.Members;
  if (is_contained(M.Lookups, BaseName))
    return AccessKind::Lookup;
  if (is_contained(M.Iterations, BaseName))
    return AccessKind::Iteration;
  if (is_contained(M.Writes, BaseName) ||
      (!M.WriteWithFloat.empty() && BaseName == M.WriteWithFloat &&
       Parameters == "(float)"))
    return AccessKind::Write;
  return std::nullopt;
}

void replaceAll(std::string &S, StringRef From, StringRef To) {
  for (size_t Pos = S.find(From.data(), 0, From.size());
       Pos != std::string::npos;
       Pos = S.find(From.data(), Pos + To.size(), From.size()))
    S.replace(Pos, From.size(), To.data(), To.size());
}

/// Removes inline namespaces and spells std::basic_string<char> as std::string.
std::string normalizeNamespaces(StringRef Demangled) {
  std::string S = Demangled.str();
  for (StringRef Inline :
       {"std::__1::", "std::__cxx11::", "std::__debug::", "std::__cxx1998::"})
    replaceAll(S, Inline, "std::");
  replaceAll(
      S,
      "std::basic_string<char, std::char_traits<char>, std::allocator<char>>",
      "std::string");
  // Abseil's inline namespace: absl::lts_20220623::, Debian's absl::debian3::.
  for (size_t Pos = S.find("absl::"); Pos != std::string::npos;
       Pos = S.find("absl::", Pos + 1)) {
    StringRef Rest = StringRef(S).drop_front(Pos + 6);
    if (!Rest.starts_with("lts_") && !Rest.starts_with("debian"))
      continue;
    size_t End = Rest.find("::");
    StringRef Inline = Rest.take_front(End);
    if (End == StringRef::npos ||
        !all_of(Inline, [](char C) { return isalnum(C) || C == '_'; }))
      continue;
    S.erase(Pos + 6, End + 2);
  }
  return S;
}

using FreePtr = std::unique_ptr<char, decltype(&std::free)>;

/// The parts of a demangled function name the catalog looks at.
struct DemangledFunction {
  std::string
      Context; // normalised, e.g. "std::map<int, int, std::less<int>, ...>"
  std::string BaseName;   // e.g. "insert"
  std::string Parameters; // normalised, e.g. "(std::map<int, int>&&)"
  std::string Name;       // normalised, e.g. "std::map<int, int, ...>::insert"
};

/// Parses \p Mangled into \p D; false unless it names a function. D's
/// tree points into \p Name, which holds the name for as long as D is used.
bool parseFunction(StringRef Mangled, std::string &Name,
                   ItaniumPartialDemangler &D) {
  if (!Mangled.starts_with("_Z"))
    return false;
  Name = Mangled.str();
  return !D.partialDemangle(Name.c_str()) && D.isFunction();
}

std::optional<DemangledFunction> demangleFunction(StringRef Mangled) {
  std::string Name;
  ItaniumPartialDemangler D;
  if (!parseFunction(Mangled, Name, D))
    return std::nullopt;
  FreePtr Context(D.getFunctionDeclContextName(nullptr, nullptr), &std::free);
  FreePtr Base(D.getFunctionBaseName(nullptr, nullptr), &std::free);
  FreePtr Params(D.getFunctionParameters(nullptr, nullptr), &std::free);
  FreePtr Qualified(D.getFunctionName(nullptr, nullptr), &std::free);
  if (!Context || !Base || !Params || !Qualified)
    return std::nullopt;
  return DemangledFunction{normalizeNamespaces(Context.get()), Base.get(),
                           normalizeNamespaces(Params.get()),
                           normalizeNamespaces(Qualified.get())};
}

/// Only the normalised declaration context: what isContainerImplementation
/// asks of every function the pass looks at.
std::optional<std::string> demangleContext(StringRef Mangled) {
  std::string Name;
  ItaniumPartialDemangler D;
  if (!parseFunction(Mangled, Name, D))
    return std::nullopt;
  FreePtr Context(D.getFunctionDeclContextName(nullptr, nullptr), &std::free);
  if (!Context)
    return std::nullopt;
  return normalizeNamespaces(Context.get());
}

/// Splits "a, b<c, d>, e" at the top-level commas.
SmallVector<StringRef, 6> splitTemplateArguments(StringRef Args) {
  SmallVector<StringRef, 6> Out;
  int Depth = 0;
  size_t Start = 0;
  for (size_t I = 0, E = Args.size(); I != E; ++I) {
    char C = Args[I];
    if (C == '<' || C == '(' || C == '[')
      ++Depth;
    else if (C == '>' || C == ')' || C == ']')
      --Depth;
    else if (C == ',' && Depth == 0) {
      Out.push_back(Args.slice(Start, I).trim());
      Start = I + 1;
    }
  }
  Out.push_back(Args.drop_front(Start).trim());
  return Out;
}

std::string dropDefaultTemplateArguments(StringRef Name);

/// "std::map<int, int, std::less<int>, std::allocator<...>>" -> "std::map<int,
/// int>". Defaults are compared with the arguments as spelled, before any of
/// them is shortened, so the comparison matches what the demangler printed.
std::string withDefaults(const ContainerSpelling &S) {
  SmallVector<StringRef, 6> Args(S.Args.begin(), S.Args.end());
  size_t End = Args.size();
  if (End >= S.Keep) {
    // Drop trailing arguments that equal their defaults.
    while (End > S.Keep && End - S.Keep <= S.Defaults.size() &&
           (Args[End - 1] == S.Defaults[End - 1 - S.Keep] ||
            (!S.DefaultPrefix.empty() && End - 1 - S.Keep < 2 &&
             Args[End - 1].starts_with(S.DefaultPrefix))))
      --End;
  }
  std::string Out = S.Template + "<";
  for (size_t I = 0; I != End; ++I) {
    if (I)
      Out += ", ";
    // Keys and values may be containers themselves.
    Out += End == Args.size() && Args.size() < S.Keep
               ? Args[I].str()
               : dropDefaultTemplateArguments(Args[I]);
  }
  return Out + ">";
}

std::string dropDefaultTemplateArguments(StringRef Name) {
  std::optional<Match> M = matchContainer(Name);
  if (!M)
    return Name.str();
  // Too few arguments to know the defaults: as spelled.
  if (M->Spelling.Args.size() < M->Spelling.Keep &&
      M->Spelling.Template == M->Template)
    return Name.str();
  return withDefaults(M->Spelling);
}

} // namespace

std::string prettifyContainerName(StringRef Demangled) {
  // Only the outer container loses its default arguments: keys and values
  // keep their own spelling.
  return dropDefaultTemplateArguments(normalizeNamespaces(Demangled));
}

std::string prettifyFunctionName(StringRef Demangled) {
  std::string S = normalizeNamespaces(Demangled);
  // libc++'s ABI tags ("[abi:ne190107]") say nothing to a reader.
  for (size_t Pos = S.find("[abi:"); Pos != std::string::npos;
       Pos = S.find("[abi:", Pos)) {
    size_t Close = S.find(']', Pos);
    if (Close == std::string::npos)
      break;
    S.erase(Pos, Close - Pos + 1);
  }
  // Containers in the signature read as in the container line of a report:
  // "put(std::map<int, int>&)", not its seven default arguments.
  for (const ContainerFamily &F : Families) {
    if (!enabled(F))
      continue;
    for (StringRef TemplateName : F.Templates) {
      std::string Container = TemplateName.str() + "<";
      for (size_t Pos = S.find(Container); Pos != std::string::npos;
           Pos = S.find(Container, Pos + 1)) {
        if (Pos != 0 &&
            (isalnum(S[Pos - 1]) || S[Pos - 1] == '_' || S[Pos - 1] == ':'))
          continue; // part of a longer name
        int Depth = 0;
        size_t End = Pos + Container.size() - 1;
        for (; End < S.size(); ++End) {
          if (S[End] == '<')
            ++Depth;
          else if (S[End] == '>' && --Depth == 0)
            break;
        }
        if (End == S.size())
          break;
        std::string Short =
            dropDefaultTemplateArguments(StringRef(S).slice(Pos, End + 1));
        S.replace(Pos, End + 1 - Pos, Short);
      }
    }
  }
  return S;
}

unsigned containerArgument(const CallBase &CB) {
  return CB.paramHasAttr(0, Attribute::StructRet) ? 1 : 0;
}

std::optional<MapOperation> classifyMapOperation(StringRef MangledName) {
  if (!mayNameContainer(MangledName, /*Internal=*/false))
    return std::nullopt;
  std::optional<DemangledFunction> F = demangleFunction(MangledName);
  if (!F)
    return std::nullopt;
  std::optional<Match> M = matchContainer(F->Context);
  if (!M)
    return std::nullopt;
  std::optional<AccessKind> Kind =
      memberAccess(*M->Family, F->BaseName, F->Parameters);
  if (!Kind)
    return std::nullopt;
  MapOperation Op;
  Op.Kind = *Kind;
  Op.Container = dropDefaultTemplateArguments(F->Context);
  Op.Operation = F->BaseName;
  if (F->BaseName == "swap" || F->BaseName == "merge")
    Op.AlsoWritesFirstArgument = true;
  else if (F->BaseName == "operator=")
    // Move assignment empties its source: that is a write too.
    Op.AlsoWritesFirstArgument = F->Parameters == "(" + F->Context + "&&)";
  return Op;
}

SmallVector<Value *, 2> mapOperands(const CallBase &CB, const MapOperation &Op,
                                    std::string *WhyNot) {
  unsigned ThisArg = containerArgument(CB);
  if (CB.arg_size() < ThisArg + Op.numMaps()) {
    if (WhyNot)
      *WhyNot = "the call has too few arguments for a map";
    return {};
  }
  SmallVector<Value *, 2> Maps;
  for (unsigned I = 0; I != Op.numMaps(); ++I) {
    Value *Map = CB.getArgOperand(ThisArg + I);
    if (!Map->getType()->isPointerTy()) {
      if (WhyNot)
        *WhyNot = "argument " + std::to_string(ThisArg + I) +
                  " is not a pointer to a map";
      return {};
    }
    Maps.push_back(Map);
  }
  return Maps;
}

const MapOperation *MapOperationCache::classify(const Function &Callee) {
  auto [It, Inserted] = Cache.try_emplace(&Callee);
  if (Inserted)
    It->second = classifyMapOperation(Callee.getName());
  return It->second ? &*It->second : nullptr;
}

const MapOperation *MapOperationCache::classify(const CallBase &CB) {
  const Function *Callee = CB.getCalledFunction();
  return Callee ? classify(*Callee) : nullptr;
}

std::optional<ContainerMember> classifyContainerMember(StringRef MangledName) {
  if (!mayNameContainer(MangledName, /*Internal=*/false))
    return std::nullopt;
  std::optional<DemangledFunction> F = demangleFunction(MangledName);
  if (!F)
    return std::nullopt;
  std::optional<Match> M = matchContainer(F->Context);
  if (!M)
    return std::nullopt;
  // "std::map" -> "map": a constructor's base name is the class's name.
  StringRef ClassName = M->Template.rsplit("::").second;
  ContainerMember Member;
  if (F->BaseName == ClassName)
    Member.Kind = ContainerMember::Constructor;
  else if (F->BaseName == "~" + ClassName.str())
    Member.Kind = ContainerMember::Destructor;
  Member.ReturnsThis = F->BaseName == "operator=";
  Member.Name = dropDefaultTemplateArguments(F->Context) + "::" + F->BaseName;
  // Only non-template members whose one parameter is the container's own
  // type, and merge (whose parameter can only be a container), are trusted
  // with a second container: a member template such as emplace could build
  // an element that keeps the address of its argument.
  bool OwnType = F->Parameters == "(" + F->Context + " const&)" ||
                 F->Parameters == "(" + F->Context + "&)" ||
                 F->Parameters == "(" + F->Context + "&&)";
  if (Member.Kind == ContainerMember::Constructor ||
      F->BaseName == "operator=" || F->BaseName == "swap")
    Member.TakesOtherContainer = OwnType;
  else if (F->BaseName == "merge") {
    StringRef Param = StringRef(F->Parameters).drop_front().drop_back();
    Member.TakesOtherContainer =
        splitTemplateArguments(Param).size() == 1 &&
        familyOfTemplate(templateName(Param)) != nullptr;
  }
  return Member;
}

std::string qualifiedFunctionName(StringRef MangledName) {
  std::optional<DemangledFunction> F = demangleFunction(MangledName);
  return F ? prettifyFunctionName(F->Name) : std::string();
}

bool isContainerNavigation(StringRef MangledName) {
  return MangledName.starts_with("_ZSt18_Rb_tree_incrementP") ||
         MangledName.starts_with("_ZSt18_Rb_tree_decrementP");
}

bool isContainerImplementation(StringRef MangledName) {
  if (!mayNameContainer(MangledName, /*Internal=*/true))
    return false;
  std::optional<std::string> Demangled = demangleContext(MangledName);
  if (!Demangled)
    return false;
  StringRef Context = *Demangled;
  // Members of the containers and of classes nested in them.
  if (familyOfTemplate(templateName(Context)))
    return true;
  for (const ContainerFamily &F : Families)
    if (enabled(F))
      for (StringRef Internal : F.Internals)
        if (Context.starts_with(Internal))
          return true;
  return false;
}

std::optional<std::string> selectContainerPresets(StringRef List) {
  StringSet<> Chosen;
  SmallVector<StringRef, 4> Names;
  List.split(Names, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef Name : Names) {
    Name = Name.trim();
    if (Name.empty())
      continue;
    if (!is_contained(PresetNames, Name)) {
      std::string Known;
      for (StringRef P : PresetNames)
        Known += (Known.empty() ? "" : ", ") + P.str();
      return "unknown preset '" + Name.str() + "' (known: " + Known + ")";
    }
    Chosen.insert(Name);
  }
  enabledPresets() = std::move(Chosen);
  return std::nullopt;
}

} // namespace mapguard
