//===- ScopeLists.h - Where MapGuard applies ------------------------------===//
//
// Teams roll MapGuard out module by module. Two special-case lists, in the
// format of clang's -fsanitize-ignorelist (llvm::SpecialCaseList), say
// where it applies:
//
//   -mapguard-ignorelist=FILE   writes that match are not instrumented
//   -mapguard-allowlist=FILE    only writes that match are instrumented
//
// Entries are globs in the "mapguard" section (or in no section at all):
//
//   src:GLOB  the file the write is written in (its debug location), or
//             the translation unit being compiled
//   fun:GLOB  the enclosing function: its mangled name (_Z3fooRSt3map...),
//             its qualified name (app::Cache::put) or its full demangled
//             name with parameters (app::Cache::put(std::string const&))
//
// A site matches a list when any of its src: or fun: names matches.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_SCOPELISTS_H
#define MAPGUARD_SCOPELISTS_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SpecialCaseList.h"

#include <memory>
#include <optional>
#include <string>

namespace llvm {
class CallBase;
class Function;
class LLVMContext;
class Module;
} // namespace llvm

namespace mapguard {

class ScopeLists {
public:
  /// Reads the lists (an empty path: no list) through the real file system.
  /// A missing or malformed file is reported to \p Ctx as an error naming
  /// the file, the line and the problem; the result is then std::nullopt.
  static std::optional<ScopeLists> load(llvm::StringRef IgnorelistPath,
                                        llvm::StringRef AllowlistPath,
                                        llvm::LLVMContext &Ctx);

  /// Why the write \p CB is out of scope ("ignorelist FILE:LINE matches
  /// its function foo()"), or std::nullopt when MapGuard applies to it.
  std::optional<std::string> whyExcluded(const llvm::CallBase &CB) const;

  bool empty() const { return !Ignorelist && !Allowlist; }

private:
  /// The first line of \p List that matches \p CB, with what it matched.
  std::optional<std::string> match(const llvm::SpecialCaseList &List,
                                   const llvm::CallBase &CB) const;

  std::shared_ptr<llvm::SpecialCaseList> Ignorelist, Allowlist;
  std::string IgnorelistPath, AllowlistPath;
};

/// Calls \p Fn with each function of \p M that carries an
/// __attribute__((annotate("Text"))), and its Text.
void forEachFunctionAnnotation(
    const llvm::Module &M,
    llvm::function_ref<void(const llvm::Function &, llvm::StringRef)> Fn);

/// The functions whose map writes are reported but not guarded: marked
/// MAPGUARD_NO_INSTRUMENT (clang lowers the annotation into
/// @llvm.global.annotations) or disable_sanitizer_instrumentation.
class OptOuts {
public:
  OptOuts() = default;
  explicit OptOuts(const llvm::Module &M);
  /// Why \p F is opted out, or std::nullopt.
  std::optional<std::string> why(const llvm::Function &F) const;

private:
  llvm::SmallPtrSet<const llvm::Function *, 8> Functions;
};

} // namespace mapguard

#endif // MAPGUARD_SCOPELISTS_H
