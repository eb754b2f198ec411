//===- DeclaredMaps.cpp - Maps a project declares: maps files, annotations ===//
//
// See DeclaredMaps.h.
//
//===----------------------------------------------------------------------===//
#include "DeclaredMaps.h"

#include "ContainerFamilies.h"
#include "LLVMCompat.h"
#include "ScopeLists.h"
#include "SiteReport.h"

#include "llvm/BinaryFormat/Dwarf.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace mapguard {
namespace {

// The built-in presets written as maps files (share/mapguard/*.maps),
// embedded at build time.
#include "PresetMaps.inc"

/// The annotations of include/mapguard/mapguard.h.
std::optional<AccessKind> annotationKind(StringRef Text) {
  if (Text == "mapguard_writes_map")
    return AccessKind::Write;
  if (Text == "mapguard_reads_map")
    return AccessKind::Lookup;
  if (Text == "mapguard_iterates_map")
    return AccessKind::Iteration;
  return std::nullopt;
}

/// A stronger claim wins when a function is annotated twice: a write is
/// checked against everything, an iteration and a lookup only against
/// writes.
int strength(AccessKind K) {
  return K == AccessKind::Write ? 2 : K == AccessKind::Iteration ? 1 : 0;
}

/// "inventory::SkuTable const&" -> "inventory::SkuTable".
std::string typeOfPointee(StringRef Param) {
  Param = Param.trim();
  while (Param.consume_back("*") || Param.consume_back("&") ||
         Param.consume_back("const") || Param.consume_back("volatile"))
    Param = Param.rtrim();
  Param.consume_front("const ");
  return Param.str();
}

/// The name of the type \p T points to, through const and pointers, as the
/// debug info spells it (a typedef's name, such as GHashTable, is kept).
std::string debugTypeName(const DIType *T) {
  while (auto *D = dyn_cast_or_null<DIDerivedType>(T)) {
    unsigned Tag = D->getTag();
    if (Tag != dwarf::DW_TAG_pointer_type &&
        Tag != dwarf::DW_TAG_reference_type &&
        Tag != dwarf::DW_TAG_rvalue_reference_type &&
        Tag != dwarf::DW_TAG_const_type && Tag != dwarf::DW_TAG_volatile_type)
      break;
    T = D->getBaseType();
  }
  return T ? T->getName().str() : "";
}

/// How a report names the map that argument \p Arg of \p F (whose
/// demangled name is \p Parts, none for C) is, when no map: line says;
/// \p IsThis: whether that argument is a member's `this`.
std::string nameMap(const Function &F,
                    const std::optional<FunctionNameParts> &Parts, unsigned Arg,
                    bool &IsThis) {
  IsThis = false;
  const DISubprogram *SP = F.getSubprogram();
  if (!Parts) {
    // A C function: its parameter's type, where the debug info has it.
    if (SP && SP->getType()) {
      DITypeRefArray Types = SP->getType()->getTypeArray();
      if (Arg + 1 < Types.size())
        if (std::string Name = debugTypeName(Types[Arg + 1]); !Name.empty())
          return Name;
    }
    return "the map passed to " + F.getName().str() + "()";
  }
  // A member's `this` is its class. Where the debug info does not tell a
  // member from a free function, a first parameter that is no pointer or
  // reference means a member (a free function's map has to be one), and
  // so does a class of the function's context among the module's types.
  auto IsPointerOrReference = [](StringRef P) {
    P = P.rtrim();
    return P.ends_with("&") || P.ends_with("*");
  };
  bool FullDebugInfo =
      SP && SP->getUnit() &&
      SP->getUnit()->getEmissionKind() == DICompileUnit::FullDebug;
  bool Member = SP && isa_and_nonnull<DICompositeType>(SP->getScope()) ? true
                : FullDebugInfo
                    ? false
                    : Parts->Parameters.empty() ||
                          !IsPointerOrReference(Parts->Parameters.front()) ||
                          StructType::getTypeByName(
                              F.getContext(), "class." + Parts->Context) ||
                          StructType::getTypeByName(F.getContext(),
                                                    "struct." + Parts->Context);
  if (Member && Arg == 0) {
    IsThis = true;
    return Parts->Context;
  }
  unsigned Param = Member ? Arg - 1 : Arg;
  if (Param < Parts->Parameters.size())
    return typeOfPointee(Parts->Parameters[Param]);
  return "the map passed to " + Parts->Qualified + "()";
}

} // namespace

std::optional<std::string> DeclaredMaps::parse(StringRef Name, StringRef Text) {
  std::optional<AccessKind> Section;
  std::string MapName;
  SmallVector<StringRef, 32> Lines;
  Text.split(Lines, '\n');
  for (size_t I = 0; I != Lines.size(); ++I) {
    auto Problem = [&](const Twine &What) {
      return (Name + ":" + Twine(I + 1) + ": " + What).str();
    };
    StringRef Line = Lines[I].trim();
    if (Line.empty() || Line.starts_with("#"))
      continue;
    if (Line.starts_with("[")) {
      if (Line == "[write]")
        Section = AccessKind::Write;
      else if (Line == "[read]")
        Section = AccessKind::Lookup;
      else if (Line == "[iterate]")
        Section = AccessKind::Iteration;
      else
        return Problem("unknown section '" + Line +
                       "' (expected [write], [read] or [iterate])");
      continue;
    }
    auto [Prefix, Rest] = Line.split(':');
    if (Prefix.size() == Line.size())
      return Problem("malformed line '" + Line +
                     "' (expected fun:GLOB[=argN] or map:NAME)");
    if (Prefix == "map") {
      if (Rest.trim().empty())
        return Problem("map: needs a name");
      MapName = Rest.trim().str();
      continue;
    }
    if (Prefix != "fun")
      return Problem("unknown entry '" + Prefix +
                     ":' (expected fun:GLOB[=argN] or map:NAME)");
    if (!Section)
      return Problem("fun: entry before any [write], [read] or [iterate] "
                     "section");
    // fun:GLOB=argN. A glob has no '=' of its own (sanitizer lists alike).
    auto [Glob, Category] = Rest.split('=');
    Glob = Glob.trim();
    unsigned Argument = 0;
    if (Rest.contains('=')) {
      StringRef Digits = Category.trim();
      if (!Digits.consume_front("arg") || Digits.empty() ||
          Digits.getAsInteger(10, Argument) || Argument > 15)
        return Problem("malformed argument '=" + Category.trim() +
                       "' (expected =arg0 to =arg15)");
    }
    if (Glob.empty())
      return Problem("fun: needs a function name or glob");
    Expected<GlobPattern> Pattern = compat::createGlob(Glob, 1024);
    if (!Pattern)
      return Problem("bad glob '" + Glob +
                     "': " + toString(Pattern.takeError()));
    MatchesQualifiedNames |= Glob.contains("::");
    Entries.push_back({*Section, std::move(*Pattern), Argument, MapName});
  }
  return std::nullopt;
}

bool DeclaredMaps::loadFiles(ArrayRef<std::string> Paths, LLVMContext &Ctx) {
  for (const std::string &Path : Paths) {
    ErrorOr<std::unique_ptr<MemoryBuffer>> File =
        MemoryBuffer::getFile(Path, /*IsText=*/true);
    if (!File) {
      reportError(Ctx, "-mapguard-maps: cannot read '" + Path +
                           "': " + File.getError().message());
      return false;
    }
    if (std::optional<std::string> Error = parse(Path, (*File)->getBuffer())) {
      reportError(Ctx, "-mapguard-maps: " + *Error);
      return false;
    }
  }
  for (const PresetMapsFile &Preset : PresetMapsFiles) {
    if (!enabledPresets().contains(Preset.Preset))
      continue;
    if (std::optional<std::string> Error = parse(Preset.Name, Preset.Text)) {
      reportError(Ctx, "built-in preset: " + *Error);
      return false;
    }
  }
  return true;
}

void DeclaredMaps::readAnnotations(const Module &M) {
  forEachFunctionAnnotation(M, [&](const Function &F, StringRef Text) {
    std::optional<AccessKind> Kind = annotationKind(Text);
    if (!Kind)
      return;
    auto [It, Inserted] = Annotated.try_emplace(&F, *Kind);
    if (!Inserted && strength(*Kind) > strength(It->second))
      It->second = *Kind;
  });
}

const DeclaredMaps::Entry *DeclaredMaps::match(const Function &F) const {
  if (Entries.empty())
    return nullptr;
  std::string Qualified;
  if (MatchesQualifiedNames && F.getName().starts_with("_Z"))
    Qualified = qualifiedFunctionName(F.getName());
  for (const Entry &E : Entries)
    if (E.Pattern.match(F.getName()) ||
        (!Qualified.empty() && E.Pattern.match(Qualified)))
      return &E;
  return nullptr;
}

std::optional<MapOperation> DeclaredMaps::classify(const Function &F) const {
  MapOperation Op;
  std::string MapName;
  if (auto It = Annotated.find(&F); It != Annotated.end()) {
    Op.Kind = It->second;
  } else if (const Entry *E = match(F)) {
    Op.Kind = E->Kind;
    Op.MapArgument = E->Argument;
    MapName = E->MapName;
  } else {
    return std::nullopt;
  }
  std::optional<FunctionNameParts> Parts = functionNameParts(F.getName());
  bool IsThis;
  std::string Named = nameMap(F, Parts, Op.MapArgument, IsThis);
  Op.Container = MapName.empty() ? Named : MapName;
  Op.MapIsThis = IsThis;
  Op.Operation = Parts ? Parts->BaseName : F.getName().str();
  return Op;
}

} // namespace mapguard
