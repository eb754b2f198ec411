//===- ScopeLists.cpp - Where MapGuard applies ----------------------------===//
//
// Reads -mapguard-ignorelist / -mapguard-allowlist with llvm::SpecialCaseList
// and matches a write's file and function against them.
//
//===----------------------------------------------------------------------===//
#include "ScopeLists.h"

#include "LLVMCompat.h"
#include "MapOperationCatalog.h"
#include "SiteReport.h"

#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/VirtualFileSystem.h"

using namespace llvm;

namespace mapguard {

/// The section MapGuard's entries live in; entries before any section
/// header belong to every section, this one included.
static constexpr const char *Section = "mapguard";

static std::shared_ptr<SpecialCaseList>
readList(StringRef Option, StringRef Path, LLVMContext &Ctx, bool &Failed) {
  if (Path.empty())
    return nullptr;
  std::string Error;
  std::unique_ptr<SpecialCaseList> List =
      SpecialCaseList::create({Path.str()}, *vfs::getRealFileSystem(), Error);
  if (!List) {
    // SpecialCaseList's message names the file and, for a parse error,
    // the line: "error parsing file 'x': malformed line 3: '...'".
    reportError(Ctx, "-" + Option + ": " + Error);
    Failed = true;
  }
  return List;
}

std::optional<ScopeLists> ScopeLists::load(StringRef IgnorelistPath,
                                           StringRef AllowlistPath,
                                           LLVMContext &Ctx) {
  bool Failed = false;
  ScopeLists Lists;
  Lists.Ignorelist =
      readList("mapguard-ignorelist", IgnorelistPath, Ctx, Failed);
  Lists.Allowlist = readList("mapguard-allowlist", AllowlistPath, Ctx, Failed);
  Lists.IgnorelistPath = IgnorelistPath.str();
  Lists.AllowlistPath = AllowlistPath.str();
  if (Failed)
    return std::nullopt;
  return Lists;
}

std::optional<std::string> ScopeLists::match(const SpecialCaseList &List,
                                             const CallBase &CB) const {
  const Function &F = *CB.getFunction();
  // src: the file the write is in, then the translation unit.
  SmallVector<StringRef, 2> Files;
  if (const DILocation *Loc = CB.getDebugLoc())
    Files.push_back(Loc->getFilename());
  Files.push_back(F.getParent()->getSourceFileName());
  for (StringRef File : Files)
    if (unsigned Line = compat::matchingLine(List, Section, "src", File))
      return std::to_string(Line) + " matches its file " + File.str();
  // fun: mangled, qualified and fully demangled names.
  std::string Qualified = qualifiedFunctionName(F.getName());
  std::string Demangled = prettifyFunctionName(demangle(F.getName().str()));
  for (StringRef Name :
       {F.getName(), StringRef(Qualified), StringRef(Demangled)})
    if (!Name.empty())
      if (unsigned Line = compat::matchingLine(List, Section, "fun", Name))
        return std::to_string(Line) + " matches its function " + Name.str();
  return std::nullopt;
}

std::optional<std::string> ScopeLists::whyExcluded(const CallBase &CB) const {
  if (Ignorelist)
    if (std::optional<std::string> Hit = match(*Ignorelist, CB))
      return "ignorelist " + IgnorelistPath + ":" + *Hit;
  if (Allowlist && !match(*Allowlist, CB))
    return "not in the allowlist " + AllowlistPath;
  return std::nullopt;
}

/// The annotation MAPGUARD_NO_INSTRUMENT (include/mapguard/mapguard.h) puts
/// on a function.
static constexpr const char *NoInstrumentAnnotation = "mapguard_no_instrument";

void forEachFunctionAnnotation(
    const Module &M, function_ref<void(const Function &, StringRef)> Fn) {
  // clang lowers __attribute__((annotate("..."))) on a function, declared or
  // defined, into
  // @llvm.global.annotations = [{ ptr @fn, ptr @str, ptr @file, i32, ptr }].
  const GlobalVariable *GA = M.getNamedGlobal("llvm.global.annotations");
  if (!GA || !GA->hasInitializer())
    return;
  auto *Entries = dyn_cast<ConstantArray>(GA->getInitializer());
  if (!Entries)
    return;
  for (const Use &U : Entries->operands()) {
    auto *Entry = dyn_cast<ConstantStruct>(U.get());
    if (!Entry || Entry->getNumOperands() < 2)
      continue;
    auto *F = dyn_cast<Function>(Entry->getOperand(0)->stripPointerCasts());
    auto *Str =
        dyn_cast<GlobalVariable>(Entry->getOperand(1)->stripPointerCasts());
    if (!F || !Str || !Str->hasInitializer())
      continue;
    auto *Text = dyn_cast<ConstantDataSequential>(Str->getInitializer());
    if (Text && Text->isCString())
      Fn(*F, Text->getAsCString());
  }
}

OptOuts::OptOuts(const Module &M) {
  forEachFunctionAnnotation(M, [&](const Function &F, StringRef Text) {
    if (Text == NoInstrumentAnnotation)
      Functions.insert(&F);
  });
}

std::optional<std::string> OptOuts::why(const Function &F) const {
  if (Functions.contains(&F))
    return std::string("the function is marked MAPGUARD_NO_INSTRUMENT");
  if (F.hasFnAttribute(Attribute::DisableSanitizerInstrumentation))
    return std::string(
        "the function has the disable_sanitizer_instrumentation attribute");
  return std::nullopt;
}

} // namespace mapguard
