//===- MapOperationCatalog.cpp - What counts as a map write ---------------===//
//
// The single place that knows which calls write a map. A callee is a map
// write when LLVM's Itanium demangler says it is a member function whose
// declaration context is a container of one of the catalog's rows
// (ContainerFamilies.h: the eight standard associative containers, Abseil's
// and Boost's) and whose base name is one of its row's writing members;
// likewise for lookups and the start of an iteration. Everything else here
// (the report's type name, the mangled spellings the quick pre-check looks
// for, which functions are container implementation) is derived from the
// rows: adding a container is adding a row.
//
//===----------------------------------------------------------------------===//
#include "MapOperationCatalog.h"

#include "ContainerFamilies.h"
#include "DeclaredMaps.h"

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

/// Other standard templates whose trailing arguments have defaults that
/// follow from the first: the defaults, spelled as the demangler prints them.
SmallVector<std::string, 2> standardDefaults(StringRef Template,
                                             StringRef First) {
  std::string T = First.str();
  if (Template == "std::vector" || Template == "std::deque" ||
      Template == "std::list" || Template == "std::forward_list")
    return {"std::allocator<" + T + ">"};
  if (Template == "std::unique_ptr")
    return {"std::default_delete<" + T + ">"};
  if (Template == "std::queue" || Template == "std::stack")
    return {"std::deque<" + T + ", std::allocator<" + T + ">>"};
  if (Template == "std::priority_queue")
    return {"std::vector<" + T + ", std::allocator<" + T + ">>",
            "std::less<" + T + ">"};
  return {};
}

/// Where the '>' closing the '<' at \p Open is, or npos.
size_t closingAngle(StringRef S, size_t Open) {
  int Depth = 0;
  for (size_t I = Open; I != S.size(); ++I) {
    if (S[I] == '<')
      ++Depth;
    else if (S[I] == '>' && --Depth == 0)
      return I;
  }
  return StringRef::npos;
}

std::string dropDefaultTemplateArguments(StringRef Name) {
  // "T<args>" possibly followed by " const", '*' or '&': shorten T<args>.
  size_t Open = Name.find('<');
  if (Open == StringRef::npos || Name.starts_with("("))
    return Name.str();
  size_t Close = closingAngle(Name, Open);
  if (Close == StringRef::npos)
    return Name.str();
  StringRef Suffix = Name.drop_front(Close + 1);
  if (!Suffix.empty() && Suffix.find_first_not_of(" *&") != StringRef::npos &&
      Suffix.trim(" *&") != "const")
    return Name.str(); // a nested name or a function type: as spelled
  StringRef Instance = Name.take_front(Close + 1);
  if (std::optional<Match> M = matchContainer(Instance)) {
    // Too few arguments to know the defaults: as spelled.
    if (M->Spelling.Args.size() < M->Spelling.Keep &&
        M->Spelling.Template == M->Template)
      return Name.str();
    return withDefaults(M->Spelling) + Suffix.str();
  }
  StringRef Template = Instance.take_front(Open);
  SmallVector<StringRef, 6> Args =
      splitTemplateArguments(Instance.slice(Open + 1, Close));
  // Trailing arguments equal to their defaults go, compared as spelled.
  SmallVector<std::string, 2> Defaults = standardDefaults(Template, Args[0]);
  size_t End = Args.size();
  while (End > 1 && End - 2 < Defaults.size() &&
         Args[End - 1] == Defaults[End - 2])
    --End;
  std::string Out = Template.str() + "<";
  for (size_t I = 0; I != End; ++I)
    Out += (I ? ", " : "") + dropDefaultTemplateArguments(Args[I]);
  return Out + ">" + Suffix.str();
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
  SmallVector<StringRef, 32> Templates;
  for (const ContainerFamily &F : containerFamilies())
    if (enabled(F))
      Templates.append(F.Templates.begin(), F.Templates.end());
  Templates.append({"std::vector", "std::deque", "std::list",
                    "std::forward_list", "std::unique_ptr", "std::queue",
                    "std::stack", "std::priority_queue"});
  for (StringRef TemplateName : Templates) {
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
  unsigned ThisArg = containerArgument(CB) + Op.MapArgument;
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
  if (Inserted) {
    It->second = classifyMapOperation(Callee.getName());
    if (!It->second && Declared)
      It->second = Declared->classify(Callee);
  }
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

std::optional<FunctionNameParts> functionNameParts(StringRef MangledName) {
  std::optional<DemangledFunction> F = demangleFunction(MangledName);
  if (!F)
    return std::nullopt;
  FunctionNameParts Parts;
  Parts.Qualified = prettifyFunctionName(F->Name);
  Parts.Context = prettifyFunctionName(F->Context);
  Parts.BaseName = F->BaseName;
  StringRef Params = StringRef(F->Parameters).trim();
  if (Params.consume_front("(") && Params.consume_back(")") &&
      !Params.trim().empty())
    for (StringRef P : splitTemplateArguments(Params))
      Parts.Parameters.push_back(prettifyFunctionName(P));
  return Parts;
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
  for (const ContainerFamily &F : containerFamilies())
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
    if (!is_contained(presetNames(), Name)) {
      std::string Known;
      for (StringRef P : presetNames())
        Known += (Known.empty() ? "" : ", ") + P.str();
      return "unknown preset '" + Name.str() + "' (known: " + Known + ")";
    }
    Chosen.insert(Name);
  }
  enabledPresets() = std::move(Chosen);
  return std::nullopt;
}

} // namespace mapguard
