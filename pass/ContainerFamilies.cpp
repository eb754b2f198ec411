//===- ContainerFamilies.cpp - The catalog's table of container families --===//
//
// See ContainerFamilies.h. Each family's row names its templates, its
// members, how a report spells it (a Spell function) and its internals.
//
//===----------------------------------------------------------------------===//
#include "ContainerFamilies.h"

#include "llvm/ADT/STLExtras.h"

using namespace llvm;

namespace mapguard {

/// The template's name: "std::map" for "std::map<int, int>".
StringRef templateName(StringRef Context) {
  return Context.take_until([](char C) { return C == '<'; });
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

namespace {

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

/// The presets; glib's entries are a maps file (share/mapguard/glib.maps,
/// DeclaredMaps.h).
const StringRef PresetNames[] = {"std", "abseil", "boost", "glib"};

} // namespace

ArrayRef<ContainerFamily> containerFamilies() { return Families; }

ArrayRef<StringRef> presetNames() { return PresetNames; }

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
static std::string mangledToken(StringRef Name) {
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
static const MangledTokens &mangledTokens() {
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

} // namespace mapguard
