//===- SiteReport.h - What MapGuard decided at each map write -------------===//
//
// Every recognised map write (a "site") ends with one decision. The pass
// tells the user about it two ways, both built from the same SiteRecord:
//
//   - optimisation remarks, pass name "mapguard" (clang -Rpass=mapguard,
//     -Rpass-missed=mapguard, -Rpass-analysis=mapguard,
//     -fsave-optimization-record; opt -pass-remarks=mapguard ...):
//     "passed" at a guarded write, "missed" at a write left unguarded,
//     with the reason, and an "analysis" count per function;
//   - the site inventory (-mapguard-sites=FILE): one JSON object per line,
//     appended for the whole module in a single write(), so that parallel
//     compilations can share one file. scripts/mapguard-sites summarises it.
//
//===----------------------------------------------------------------------===//
#ifndef MAPGUARD_SITEREPORT_H
#define MAPGUARD_SITEREPORT_H

#include "MapOperationCatalog.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/IR/DebugLoc.h"

#include <string>

namespace llvm {
class BasicBlock;
class CallBase;
class Instruction;
class LLVMContext;
class Module;
class Twine;
} // namespace llvm

namespace mapguard {

enum class SiteDecision {
  Guarded,     ///< wrapped with the begin/end hooks
  Elided,      ///< the map cannot be reached by another thread
  Ignored,     ///< out of scope: -mapguard-ignorelist / -mapguard-allowlist
  OptedOut,    ///< MAPGUARD_NO_INSTRUMENT or disable_sanitizer_instrumentation
  Unsupported, ///< an IR shape the instrumentation cannot guard safely
};

/// "guarded", "elided", "ignored", "opted-out", "unsupported".
llvm::StringRef decisionName(SiteDecision D);

/// One site, captured before the instrumentation changes the call.
struct SiteRecord {
  const llvm::BasicBlock *Block; ///< the block the call was in
  llvm::DebugLoc Loc;
  const MapOperation *Op;
  SiteDecision Decision;
  std::string Reason;
  /// Guarded by its loop's window (one check per run of the loop).
  bool LoopWindow = false;

  SiteRecord(const llvm::CallBase &CB, const MapOperation &Op,
             SiteDecision Decision, std::string Reason);
};

class SiteReport {
public:
  void add(SiteRecord R) { Records.push_back(std::move(R)); }

  /// Emits the remarks: one per site, then one count per function.
  void emitRemarks() const;

  /// Appends the inventory to \p Path (one write for the whole module).
  /// Errors are reported to the module's context.
  void appendInventory(llvm::StringRef Path, llvm::Module &M) const;

private:
  llvm::SmallVector<SiteRecord, 32> Records;
};

/// Remarks that a loop's lookups of one map, the first of them \p First,
/// are checked once per run of the loop at \p Line (a read window); or
/// (Iteration) that the iteration begun by \p First is checked again where
/// the loop at \p Line ends.
void remarkReadWindow(const llvm::CallBase &First, const MapOperation &Op,
                      unsigned Line, bool Iteration);

/// The file of \p Loc as the debug info knows it, directory and file (an
/// absolute path when it records the directory); the module's source file
/// without a location. Reports, remarks' inventory and descriptors agree.
std::string sourcePath(const llvm::DILocation *Loc, const llvm::Module &M);

/// Reports a MapGuard error (a bad option or file) through the context's
/// diagnostic handler: clang prints "error: MapGuard: ..." and fails the
/// compilation; opt prints it and exits non-zero.
/// Says that a map write's address is taken at \p Where: calls through the
/// pointer are not checked.
void remarkAddressTaken(const llvm::Instruction &Where, const MapOperation &Op);

void reportError(llvm::LLVMContext &Ctx, const llvm::Twine &Message);

} // namespace mapguard

#endif // MAPGUARD_SITEREPORT_H
