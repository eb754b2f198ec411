//===- MapOperationCatalog.cpp - What counts as a map write ---------------===//
//
// The single place that knows which calls write a map. A callee is a map
// write when LLVM's Itanium demangler says it is a member function whose
// declaration context is one of the eight standard associative containers
// and whose base name is one of their mutating members.
//
//===----------------------------------------------------------------------===//
#include "MapOperationCatalog.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InstrTypes.h"

#include <cctype>
#include <cstdlib>
#include <memory>

using namespace llvm;

namespace mapguard {
namespace {

enum class ContainerKind { None, UnorderedMap, UnorderedSet, OrderedMap, OrderedSet };

ContainerKind classifyContainer(StringRef TemplateName) {
  return StringSwitch<ContainerKind>(TemplateName)
      .Cases("std::unordered_map", "std::unordered_multimap",
             ContainerKind::UnorderedMap)
      .Cases("std::unordered_set", "std::unordered_multiset",
             ContainerKind::UnorderedSet)
      .Cases("std::map", "std::multimap", ContainerKind::OrderedMap)
      .Cases("std::set", "std::multiset", ContainerKind::OrderedSet)
      .Default(ContainerKind::None);
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
  static const char *const Containers[] = {
      "3map",           "3set",           "8multimap",
      "8multiset",      "13unordered_map", "13unordered_set",
      "18unordered_multimap", "18unordered_multiset"};
  for (const char *Name : Containers)
    if (Mangled.contains(Name))
      return true;
  if (!Internal)
    return false;
  // std::_Hashtable, std::_Rb_tree, std::__detail::_*, std::__hash_table,
  // std::__tree (isContainerImplementation).
  for (const char *Name :
       {"10_Hashtable", "8_Rb_tree", "8__detail", "12__hash_table", "6__tree"})
    if (Mangled.contains(Name))
      return true;
  return false;
}

/// The members that modify the container they are called on.
bool isWriteMember(StringRef BaseName) {
  return StringSwitch<bool>(BaseName)
      .Cases("operator[]", "insert", "insert_or_assign", "insert_range", true)
      .Cases("emplace", "emplace_hint", "try_emplace", true)
      .Cases("erase", "clear", "extract", "merge", "swap", true)
      .Cases("rehash", "reserve", "operator=", true)
      .Default(false);
}

void replaceAll(std::string &S, StringRef From, StringRef To) {
  for (size_t Pos = S.find(From.data(), 0, From.size()); Pos != std::string::npos;
       Pos = S.find(From.data(), Pos + To.size(), From.size()))
    S.replace(Pos, From.size(), To.data(), To.size());
}

/// Removes inline namespaces and spells std::basic_string<char> as std::string.
std::string normalizeNamespaces(StringRef Demangled) {
  std::string S = Demangled.str();
  for (StringRef Inline : {"std::__1::", "std::__cxx11::", "std::__debug::",
                           "std::__cxx1998::"})
    replaceAll(S, Inline, "std::");
  replaceAll(S, "std::basic_string<char, std::char_traits<char>, std::allocator<char>>",
             "std::string");
  return S;
}

using FreePtr = std::unique_ptr<char, decltype(&std::free)>;

/// The parts of a demangled function name the catalog looks at.
struct DemangledFunction {
  std::string Context;    // normalised, e.g. "std::map<int, int, std::less<int>, ...>"
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

/// "std::map<int, int, std::less<int>, std::allocator<...>>" -> "std::map<int, int>".
/// Defaults are compared with the arguments as spelled, before any of them
/// is shortened, so the comparison matches what the demangler printed.
std::string dropDefaultTemplateArguments(StringRef Name) {
  size_t Open = Name.find('<');
  if (Open == StringRef::npos || !Name.ends_with(">"))
    return Name.str();
  StringRef Template = Name.take_front(Open);
  ContainerKind Kind = classifyContainer(Template);
  if (Kind == ContainerKind::None)
    return Name.str();
  SmallVector<StringRef, 6> Args =
      splitTemplateArguments(Name.slice(Open + 1, Name.size() - 1));
  bool IsMap = Kind == ContainerKind::UnorderedMap || Kind == ContainerKind::OrderedMap;
  size_t Keep = IsMap ? 2 : 1;
  if (Args.size() < Keep)
    return Name.str();
  std::string Key = Args[0].str();
  std::string Value = IsMap ? "std::allocator<std::pair<" + Key + " const, " +
                                  Args[1].str() + ">>"
                            : "std::allocator<" + Key + ">";
  SmallVector<std::string, 3> Defaults;
  if (Kind == ContainerKind::UnorderedMap || Kind == ContainerKind::UnorderedSet)
    Defaults = {"std::hash<" + Key + ">", "std::equal_to<" + Key + ">", Value};
  else
    Defaults = {"std::less<" + Key + ">", Value};
  // Drop trailing arguments that equal their defaults.
  size_t End = Args.size();
  while (End > Keep && End - Keep <= Defaults.size() &&
         Args[End - 1] == Defaults[End - 1 - Keep])
    --End;
  std::string Out = Template.str() + "<";
  for (size_t I = 0; I != End; ++I) {
    if (I)
      Out += ", ";
    // Keys and values may be containers themselves.
    Out += dropDefaultTemplateArguments(Args[I]);
  }
  return Out + ">";
}

/// The template's name: "std::map" for "std::map<int, int>".
StringRef templateName(StringRef Context) {
  return Context.take_until([](char C) { return C == '<'; });
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
  for (StringRef Container :
       {"std::map<", "std::multimap<", "std::set<", "std::multiset<",
        "std::unordered_map<", "std::unordered_multimap<",
        "std::unordered_set<", "std::unordered_multiset<"}) {
    for (size_t Pos = S.find(Container.data(), 0, Container.size());
         Pos != std::string::npos;
         Pos = S.find(Container.data(), Pos + 1, Container.size())) {
      if (Pos != 0 && (isalnum(S[Pos - 1]) || S[Pos - 1] == '_' ||
                       S[Pos - 1] == ':'))
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
  return S;
}

unsigned containerArgument(const CallBase &CB) {
  return CB.paramHasAttr(0, Attribute::StructRet) ? 1 : 0;
}

std::optional<MapOperation> classifyMapOperation(StringRef MangledName) {
  if (!mayNameContainer(MangledName, /*Internal=*/false))
    return std::nullopt;
  std::optional<DemangledFunction> F = demangleFunction(MangledName);
  if (!F || classifyContainer(templateName(F->Context)) == ContainerKind::None)
    return std::nullopt;
  std::optional<AccessKind> Kind =
      StringSwitch<std::optional<AccessKind>>(F->BaseName)
          .Cases("find", "count", "contains", "at", AccessKind::Lookup)
          .Cases("equal_range", "lower_bound", "upper_bound",
                 AccessKind::Lookup)
          .Cases("begin", "cbegin", "rbegin", "crbegin", AccessKind::Iteration)
          .Default(std::nullopt);
  // max_load_factor(float) rehashes; max_load_factor() only reads.
  if (!Kind && (isWriteMember(F->BaseName) ||
                (F->BaseName == "max_load_factor" &&
                 F->Parameters == "(float)")))
    Kind = AccessKind::Write;
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
  StringRef Template = templateName(F->Context);
  if (classifyContainer(Template) == ContainerKind::None)
    return std::nullopt;
  // "std::map" -> "map": a constructor's base name is the class's name.
  StringRef ClassName = Template.rsplit("::").second;
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
        classifyContainer(templateName(Param)) != ContainerKind::None;
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
  if (classifyContainer(templateName(Context)) != ContainerKind::None)
    return true;
  for (StringRef Internal : {"std::_Hashtable<", "std::_Rb_tree<",
                             "std::__detail::_", "std::__hash_table<",
                             "std::__tree<"})
    if (Context.starts_with(Internal))
      return true;
  return false;
}

} // namespace mapguard
